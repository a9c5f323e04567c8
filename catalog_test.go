package apierr

import (
	"reflect"
	"testing"
)

func TestSpecRebuildsTheCatalog(t *testing.T) {
	orig, err := LoadFile("examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("same catalog", func(t *testing.T) {
		again, err := NewCatalog(orig.Spec())
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Codes()) != len(orig.Codes()) {
			t.Fatalf("%d codes, want %d", len(again.Codes()), len(orig.Codes()))
		}
		for i, c := range orig.Codes() {
			got := again.Codes()[i]
			if got.ID != c.ID || got.Status != c.Status || got.Fallback != c.Fallback ||
				again.DocsFor(c.ID) != orig.DocsFor(c.ID) || !reflect.DeepEqual(got.Also, c.Also) {
				t.Errorf("code %d: %+v, want %+v", i, got, c)
			}
		}
		if again.RequestIDHeader() != orig.RequestIDHeader() || again.Slug() != orig.Slug() ||
			again.ForeignResource() != orig.ForeignResource() || again.Formats()[0] != orig.Formats()[0] {
			t.Errorf("settings differ")
		}
	})
	t.Run("one setting changed", func(t *testing.T) {
		spec := orig.Spec()
		spec.DocsURL = "http://127.0.0.1:8080/docs/{code}"
		spec.Codes[0].Rules = append(spec.Codes[0].Rules, "changed")
		spec.Codes[0].Status = 499
		moved, err := NewCatalog(spec)
		if err != nil {
			t.Fatal(err)
		}
		id := orig.Codes()[0].ID
		if got := moved.DocsFor(id); got != "http://127.0.0.1:8080/docs/"+id {
			t.Errorf("moved DocsFor = %q", got)
		}
		// The original is untouched: its permalinks and codes stay as built.
		if orig.DocsURL() == spec.DocsURL || orig.DocsFor(id) == moved.DocsFor(id) {
			t.Errorf("original changed: %q", orig.DocsFor(id))
		}
		if c := orig.Codes()[0]; c.Status == 499 || len(c.Rules) > 0 && c.Rules[len(c.Rules)-1] == "changed" {
			t.Errorf("original code changed: %+v", c)
		}
	})
}
