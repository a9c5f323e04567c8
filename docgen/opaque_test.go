package docgen_test

import (
	"bytes"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// A catalog whose format the generator cannot link (an API's own shape,
// known only by name) still gets its reference and OpenAPI components: the
// body's shape is left undescribed instead of guessed.
func TestOpaqueFormat(t *testing.T) {
	cat, err := apierr.Load([]byte("name: Acme\nformat: acme\nformats: []\ndocs_url: https://acme.test/errors/{slug}\n"+
		"codes:\n  out_of_stock: {status: 409, message: The item is out of stock.}\n"),
		"acme.yaml", apierr.WithUnknownFormats(func(n string) apierr.Format { return apierr.Opaque(n) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("reference page", func(t *testing.T) {
		page := docgen.HTML(cat)
		if !bytes.Contains(page, []byte(`id="out-of-stock"`)) || !bytes.Contains(page, []byte(`the API's own format <code>acme</code>`)) {
			t.Errorf("no section for out_of_stock, or no word on the format:\n%s", page)
		}
	})
	t.Run("openapi", func(t *testing.T) {
		doc, err := docgen.OpenAPI(cat, "yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"AcmeError:", "its shape is not known to the generator", "$ref: '#/components/schemas/AcmeError'"} {
			if !bytes.Contains(doc, []byte(want)) {
				t.Errorf("no %q in\n%s", want, doc)
			}
		}
	})
	t.Run("llms.txt and markdown", func(t *testing.T) {
		if md := docgen.Markdown(cat); !bytes.Contains(md, []byte("out_of_stock")) || !bytes.Contains(md, []byte("own format `acme`")) {
			t.Errorf("markdown lacks the code or the word on the format:\n%s", md)
		}
		if txt := docgen.LLMsTxt(cat); !bytes.Contains(txt, []byte("own format `acme`")) {
			t.Errorf("llms.txt:\n%s", txt)
		}
	})
}
