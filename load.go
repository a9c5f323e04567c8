package apierr

import (
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
)

// pos is a position in a catalog file.
type pos struct{ line, col int }

// LoadFile reads and loads a catalog file and the translation files beside
// it (errors.de.yaml beside errors.yaml: see Translation). Errors name the
// file, line and column.
func LoadFile(path string, opts ...Option) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("apierr: read catalog: %w", err)
	}
	siblings, err := siblingTranslations(path)
	if err != nil {
		return nil, err
	}
	return Load(data, path, append([]Option{siblings}, opts...)...)
}

// MustLoad is Load for catalogs embedded in a program: it panics on error.
func MustLoad(data []byte, filename string, opts ...Option) *Catalog {
	c, err := Load(data, filename, opts...)
	if err != nil {
		panic(err)
	}
	return c
}

// maxCatalogSize bounds what Load reads: a catalog is documentation, not data.
const maxCatalogSize = 4 << 20

// Load parses a YAML catalog. filename is used in error messages. Every
// problem is reported (as LoadErrors), each with its line and column:
// unknown keys (with a suggestion), duplicate ids, a condition or rule bound
// twice, a status outside 400–599, a missing message, ids in mixed case
// styles, a bad docs URL, an unknown format or slug rule.
func Load(data []byte, filename string, opts ...Option) (*Catalog, error) {
	spec, positions, err := parse(data, filename)
	if err != nil {
		return nil, err
	}
	return build(spec, filename, positions, opts)
}

func parse(data []byte, filename string) (Spec, specPositions, error) {
	if len(data) > maxCatalogSize {
		return Spec{}, specPositions{}, LoadErrors{{File: filename, Msg: fmt.Sprintf("catalog is %d bytes; the limit is %d", len(data), maxCatalogSize)}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Spec{}, specPositions{}, LoadErrors{yamlError(filename, err)}
	}
	p := &parser{file: filename}
	spec, positions := p.spec(&root)
	if len(p.errs) > 0 {
		return Spec{}, specPositions{}, p.errs
	}
	return spec, positions, nil
}
