package bind_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/middleware"
)

const shopYAML = `name: Shop
docs_url: /errors/{slug}
codes:
  invalid:
    status: 422
    message: The request is invalid.
    condition: validation_failed
`

type order struct {
	SKU   string `json:"sku" validate:"required"`
	Qty   int    `json:"qty" validate:"min=1"`
	Phone string `json:"phone" validate:"omitempty,e164"`
	Size  string `json:"size" validate:"omitempty,size"`
}

// shopServer serves POST /orders, binding the body with b, behind the real
// middleware stack of cat.
func shopServer(t *testing.T, cat *apierr.Catalog, b *bind.Binder) string {
	t.Helper()
	h := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var o order
		if err := b.JSON(r, &o); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	return serve(t, mount(t, "servemux", middleware.Stack(cat), route{"POST /orders", h})).URL
}

func post(t *testing.T, url, body, lang string) *response {
	t.Helper()
	hdr := []string{"Content-Type", "application/json"}
	if lang != "" {
		hdr = append(hdr, "Accept-Language", lang)
	}
	return do(t, newReq(t, "POST", url+"/orders", strings.NewReader(body), hdr...))
}

func fieldMessages(r *response) map[string]string {
	out := map[string]string{}
	errs, _ := r.context()["errors"].(map[string]any)
	for k, v := range errs {
		if l, _ := v.([]any); len(l) > 0 {
			out[k], _ = l[0].(string)
		}
	}
	return out
}

// TestFieldErrorsInTheClientsLanguage: the validator's own German
// translations where the catalog words nothing, over real HTTP through the
// middleware stack; English (the Binder's words) for English, for a
// language nobody translates into, and for a catalog without translations.
func TestFieldErrorsInTheClientsLanguage(t *testing.T) {
	de := "language: de\ncodes:\n  invalid:\n    message: Die Anfrage ist ungültig.\n"
	cat, err := apierr.Load([]byte(shopYAML), "shop.yaml", apierr.WithTranslation([]byte(de), "shop.de.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := bind.New(bind.Config{Enums: map[string][]string{"size": {"S", "M"}}})
	if err != nil {
		t.Fatal(err)
	}
	url := shopServer(t, cat, b)
	body := `{"qty": 0}`

	r := post(t, url, body, "de-CH, en;q=0.5")
	if r.status != 422 || r.header.Get("Content-Language") != "de" {
		t.Fatalf("%d %q %s", r.status, r.header.Get("Content-Language"), r.body)
	}
	got := fieldMessages(r)
	if got["sku"] != "sku ist ein Pflichtfeld" || got["qty"] != "qty muss 1 oder größer sein" {
		t.Errorf("German field messages %q", got)
	}
	if m := r.str("message"); m != "sku ist ein Pflichtfeld (und 1 weiterer Fehler)" {
		t.Errorf("German message %q", m)
	}

	for _, lang := range []string{"", "en", "ja"} {
		r := post(t, url, body, lang)
		got := fieldMessages(r)
		if got["sku"] != "The sku field is required." || got["qty"] != "qty must be at least 1." ||
			r.str("message") != "The sku field is required. (and 1 more error)" {
			t.Errorf("Accept-Language %q: %q, message %q", lang, got, r.str("message"))
		}
	}

	// The validator's German for e164; a rule it has no German for (an
	// enum of the Binder) is worded in English rather than as the
	// validator's Go-ish error text.
	r = post(t, url, `{"sku":"a","qty":1,"phone":"12","size":"XL"}`, "de")
	if got := fieldMessages(r); got["phone"] != "phone muss eine gültige E.164-Telefonnummer sein" || got["size"] != "size must be one of: S, M." {
		t.Errorf("e164 and an enum in de: %q", got)
	}

	// A catalog with one language: English whatever the client asks.
	one, err := apierr.Load([]byte(shopYAML), "shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r = post(t, shopServer(t, one, b), body, "de")
	if got := fieldMessages(r); got["sku"] != "The sku field is required." || r.header.Get("Content-Language") != "" {
		t.Errorf("single-language catalog: %q, Content-Language %q", got, r.header.Get("Content-Language"))
	}
}

// TestCatalogFieldMessages: the catalog's own field messages win over the
// validator's, in English and in each translation, with {field} and
// {param}; a translation that leaves one out falls back to the catalog's.
func TestCatalogFieldMessages(t *testing.T) {
	base := shopYAML + "field_messages:\n  required: Please send {field}.\n  qty.min: Order at least {param}.\n"
	de := "language: de\nfield_messages:\n  required: Bitte senden Sie {field}.\n"
	cat, err := apierr.Load([]byte(base), "shop.yaml", apierr.WithTranslation([]byte(de), "shop.de.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	url := shopServer(t, cat, must(bind.New(bind.Config{Enums: map[string][]string{"size": {"S"}}})))
	for lang, want := range map[string]map[string]string{
		"en": {"sku": "Please send sku.", "qty": "Order at least 1."},
		"de": {"sku": "Bitte senden Sie sku.", "qty": "Order at least 1."},
	} {
		if got := fieldMessages(post(t, url, `{"qty":0}`, lang)); got["sku"] != want["sku"] || got["qty"] != want["qty"] {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got, ok := cat.FieldMessage("items[2].sku", "required"); !ok || got != "Please send items[2].sku." {
		t.Errorf("FieldMessage = %q, %v", got, ok)
	}
	if _, ok := cat.FieldMessage("sku", "email"); ok {
		t.Error("FieldMessage for a rule the catalog does not word")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestNewCost keeps an eye on what registering the validator's
// translations costs a Binder (it is done once, at start-up); it reports,
// never fails on time.
func TestNewCost(t *testing.T) {
	start := time.Now()
	if _, err := bind.New(bind.Config{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("bind.New with %s: %v", "every validator translation", time.Since(start))
}
