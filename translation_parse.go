package apierr

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The keys of a translation file (errors.de.yaml): words only.
var (
	translationKeys = []string{"language", "name", "description", "field_messages", "codes"}
	codeTextKeys    = []string{"title", "message", "detail", "docs", "example"}
	exampleTextKeys = []string{"message", "detail", "fields"}
)

// ParseTranslation parses one translation file: the words of one language
// for a catalog (see Translation). filename is used in error messages and,
// when it carries a tag before its extension (errors.de.yaml), must agree
// with the `language:` key. Every problem is reported as LoadErrors with
// its line and column, with the translation as far as it could be read.
// Whether its codes and field messages exist in the catalog is checked when
// a catalog is built with it.
func ParseTranslation(data []byte, filename string) (Translation, error) {
	if len(data) > maxCatalogSize {
		return Translation{}, LoadErrors{{File: filename, Msg: fmt.Sprintf("translation is %d bytes; the limit is %d", len(data), maxCatalogSize)}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Translation{}, LoadErrors{yamlError(filename, err)}
	}
	p := &parser{file: filename}
	t := p.translation(&root, filename)
	if len(p.errs) > 0 {
		return t, p.errs
	}
	return t, nil
}

func (p *parser) translation(root *yaml.Node, filename string) Translation {
	t := Translation{file: filename, ps: translationPositions{codes: map[string]pos{}, fields: map[string]pos{}}}
	if root.Kind == 0 || len(root.Content) == 0 {
		p.errorf(pos{}, "translation is empty")
		return t
	}
	doc := root.Content[0]
	var langAt pos
	haveLang := false
	p.mapping(doc, "translation", nil, func(key string, k, v *yaml.Node) {
		switch key {
		case "language":
			langAt, haveLang = at(v), true
			t.ps.language = at(v)
			t.Language = p.str(v, "language")
		case "name":
			t.Name = p.str(v, "name")
		case "description":
			t.Description = p.str(v, "description")
		case "field_messages":
			t.ps.fieldsKey = at(k)
			t.FieldMessages = p.fieldMessages(v, t.ps.fields)
		case "codes":
			t.ps.codesKey = at(k)
			p.mapping(v, "codes", nil, func(id string, k, v *yaml.Node) {
				t.ps.codes[id] = at(k)
				if t.Codes == nil {
					t.Codes = map[string]CodeText{}
				}
				t.Codes[id] = p.codeText(id, v)
			})
		default:
			p.unknownKey(k, "translation", translationKeys,
				" (a translation holds only words: everything else comes from the catalog)")
		}
	})
	if doc.Kind != yaml.MappingNode {
		return t
	}
	if !haveLang {
		p.errorf(at(doc), "translation has no language: key (its BCP 47 tag, e.g. language: de)")
		return t
	}
	if t.Language == "" {
		return t // reported by str
	}
	canon, err := parseTag(t.Language)
	if err != nil {
		p.errorf(langAt, "language %q is not a BCP 47 language tag (e.g. de, pt-BR): %v", t.Language, err)
		return t
	}
	if nt := nameTag(filename); nt != "" {
		nc, err := parseTag(nt)
		if err != nil {
			p.errorf(langAt, "file name %s: %q is not a BCP 47 language tag; name a translation like errors.%s.yaml", filename, nt, canon)
		} else if nc != canon {
			p.errorf(langAt, "language %q does not match the file name's %q (%s)", t.Language, nt, filename)
		}
	}
	t.Language = canon
	return t
}

// unknownKey reports key k unknown in what, with a suggestion.
func (p *parser) unknownKey(k *yaml.Node, what string, allowed []string, why string) {
	if s := suggest(k.Value, allowed); s != "" {
		p.errorf(at(k), "unknown key %q in %s (did you mean %q?)", k.Value, what, s)
		return
	}
	p.errorf(at(k), "unknown key %q in %s (known keys: %s)%s", k.Value, what, strings.Join(allowed, ", "), why)
}

func (p *parser) codeText(id string, v *yaml.Node) CodeText {
	var c CodeText
	what := fmt.Sprintf("translation of code %q", id)
	p.mapping(v, what, nil, func(key string, k, vv *yaml.Node) {
		switch key {
		case "title":
			c.Title = p.str(vv, what+": title")
		case "message":
			c.Message = p.str(vv, what+": message")
		case "detail":
			c.Detail = p.str(vv, what+": detail")
		case "docs":
			c.Docs = p.docs(vv, what)
		case "example":
			c.Example = p.exampleText(vv, what+": example")
		default:
			if contains(codeKeys, key) {
				p.errorf(at(k), "%s: %q is not translated: it is the catalog's and never changes with the language (translate %s)",
					what, key, strings.Join(codeTextKeys, ", "))
				return
			}
			p.unknownKey(k, what, codeTextKeys, "")
		}
	})
	return c
}

func (p *parser) exampleText(n *yaml.Node, what string) *ExampleText {
	x := &ExampleText{}
	p.mapping(n, what, nil, func(key string, k, v *yaml.Node) {
		switch key {
		case "message":
			x.Message = p.str(v, what+".message")
		case "detail":
			x.Detail = p.str(v, what+".detail")
		case "fields":
			x.Fields = p.fields(v, what+".fields")
		default:
			if contains(exampleKeys, key) {
				p.errorf(at(k), "%s: %q is not translated: it is the catalog's and never changes with the language", what, key)
				return
			}
			p.unknownKey(k, what, exampleTextKeys, "")
		}
	})
	return x
}

// fieldMessages reads `field_messages:`, a mapping of key (a rule, or a
// field path and a rule joined by a dot) to message, recording where each
// message is in at.
func (p *parser) fieldMessages(n *yaml.Node, at_ map[string]pos) map[string]string {
	out := map[string]string{}
	p.mapping(n, "field_messages", nil, func(key string, k, v *yaml.Node) {
		if msg := checkFieldMessageKey(key); msg != "" {
			p.errorf(at(k), "field_messages: key %q %s", key, msg)
			return
		}
		out[key] = p.str(v, "field_messages."+key)
		if at_ != nil {
			at_[key] = at(v)
		}
	})
	return out
}
