package apierr_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/apierr/apierr"
)

// A catalog with a translation beside it answers each client in its
// language: the code, status, action and docs link stay; the words change.
func ExampleCatalog_Localized() {
	cat, err := apierr.LoadFile("testdata/i18n/errors.yaml") // reads errors.de.yaml and errors.fr.yaml too
	if err != nil {
		panic(err)
	}
	fmt.Println(cat.Languages())
	de, _ := cat.Localized("de")
	code := de.Lookup("out_of_stock")
	fmt.Println(code.ID, code.Status, code.Title, "/", code.Message)
	fmt.Println(code.Docs.Cause) // not translated: the catalog's
	// Output:
	// [en de fr]
	// out_of_stock 409 Nicht vorrätig / Der Artikel ist nicht vorrätig.
	// Someone bought the last one.
}

// Write negotiates the language with Accept-Language and says which one it
// answered in.
func ExampleCatalog_ForAcceptLanguage() {
	cat, err := apierr.LoadFile("testdata/i18n/errors.yaml")
	if err != nil {
		panic(err)
	}
	for _, accept := range []string{"de-AT", "fr;q=0.5, de;q=0.9", "ja"} {
		fmt.Printf("%-20q → %s\n", accept, cat.ForAcceptLanguage(accept).Language())
	}
	r := httptest.NewRequest("GET", "/orders/42", nil)
	r.Header.Set("Accept-Language", "de")
	w := httptest.NewRecorder()
	cat.Write(w, r, apierr.New("out_of_stock"))
	fmt.Println(w.Code, w.Header().Get("Content-Language"), w.Header().Values("Vary"))
	fmt.Println(w.Body.String())
	// Output:
	// "de-AT"              → de
	// "fr;q=0.5, de;q=0.9" → de
	// "ja"                 → en
	// 409 de [Accept Accept-Language]
	// {"error":"out_of_stock","message":"Der Artikel ist nicht vorrätig.","action":"choose_another_item","docs":"https://shop.example/errors/out-of-stock"}
}
