package middleware_test

import (
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
)

// testKey is a fax-style API key the benchmarks and tests authenticate with.
const testKey = "fx_test_9f8e7d6c5b4a39281706"

// faxCatalog loads the fax example's catalog from the library module.
func faxCatalog(t testing.TB) *apierr.Catalog {
	t.Helper()
	cat, err := apierr.LoadFile("../../examples/fax/errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// sendFax is the request body the benchmarks bind and validate (as in
// middleware's own bind tests).
type sendFax struct {
	To          string      `json:"to" validate:"required,e164"`
	File        string      `json:"file" validate:"required"`
	Quality     string      `json:"quality" validate:"omitempty,oneof=standard fine"`
	CallbackID  string      `json:"callback_id" validate:"omitempty,uuid"`
	Priority    string      `json:"priority" validate:"omitempty,fax_priority"`
	Participant participant `json:"participant"`
	Items       []lineItem  `json:"items" validate:"dive"`
	Pages       int         `json:"pages"`
}

type participant struct {
	Number string `json:"number" validate:"required,e164"`
	Name   string `json:"name"`
}

type lineItem struct {
	SKU string `json:"sku" validate:"required"`
	Qty int    `json:"qty" validate:"min=1"`
}

// faxBinder has the fax API's one enum.
var faxBinder = func() *bind.Binder {
	b, err := bind.New(bind.Config{Enums: map[string][]string{"fax_priority": {"low", "normal", "high"}}})
	if err != nil {
		panic(err)
	}
	return b
}()
