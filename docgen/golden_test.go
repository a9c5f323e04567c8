package docgen_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./docgen -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated output (run go test ./docgen -update and review the diff)\n%s", path, firstDiff(want, got))
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

// firstPermalink returns the page of the catalog's first code: the
// language-neutral one (the shortest path) when the catalog has
// translations, or the one in language lang.
func firstPermalink(t *testing.T, cat *apierr.Catalog, lang string) []byte {
	t.Helper()
	files, err := docgen.Files(cat, "html")
	if err != nil {
		t.Fatal(err)
	}
	slug := cat.Slug().Apply(cat.Codes()[0].ID)
	var found *docgen.File
	for i, f := range files {
		if filepath.Base(filepath.Dir(f.Path)) != slug && filepath.Base(f.Path) != slug+".html" {
			continue
		}
		inLang := strings.Contains("/"+f.Path, "/"+lang+"/")
		if lang != "" && inLang || lang == "" && (found == nil || len(f.Path) < len(found.Path)) {
			found = &files[i]
		}
	}
	if found == nil {
		t.Fatalf("no permalink page for %s", slug)
	}
	return found.Data
}

func TestGolden(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			cat := ex.cat
			golden(t, ex.name+"/reference.html", docgen.HTML(cat))
			golden(t, ex.name+"/reference.md", docgen.Markdown(cat))
			golden(t, ex.name+"/llms.txt", docgen.LLMsTxt(cat))
			golden(t, ex.name+"/permalink.html", firstPermalink(t, cat, ""))
			// A catalog with translations: each language's pages too.
			for _, lang := range cat.Languages()[1:] {
				view, ok := cat.Localized(lang)
				if !ok {
					t.Fatalf("Localized(%q) failed", lang)
				}
				golden(t, ex.name+"/reference."+lang+".html", docgen.HTML(view))
				golden(t, ex.name+"/reference."+lang+".md", docgen.Markdown(view))
				golden(t, ex.name+"/llms."+lang+".txt", docgen.LLMsTxt(view))
				golden(t, ex.name+"/permalink."+lang+".html", firstPermalink(t, cat, lang))
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		a, _ := docgen.Files(ex.cat, "html")
		b, _ := docgen.Files(ex.cat, "html")
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", ex.name, len(a), len(b))
		}
		for i := range a {
			if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
				t.Errorf("%s: %s differs between two runs", ex.name, a[i].Path)
			}
		}
	}
}
