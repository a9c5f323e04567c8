package bind_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/middleware"
)

// show prints what a client receives.
func show(h http.Handler, req *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
}

func quiet() middleware.Option { return middleware.WithLogger(slog.New(slog.DiscardHandler)) }

func ExampleJSON() {
	type Participant struct {
		Number string `json:"number" validate:"required,e164"`
	}
	type StartCall struct {
		To          string      `json:"to" validate:"required"`
		Quality     string      `json:"quality" validate:"omitempty,oneof=standard fine"`
		Participant Participant `json:"participant"`
	}
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_b" }))(
		apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			var req StartCall
			if err := bind.JSON(r, &req); err != nil {
				return err
			}
			return nil
		}))
	show(h, httptest.NewRequest("POST", "/", strings.NewReader(`{"quality":"ultra","participant":{"number":"555-0100"}}`)))
	show(h, httptest.NewRequest("POST", "/", strings.NewReader("{\n  \"to\": 5\n}")))
	// Output:
	// 422 {"error":"validation_failed","message":"The to field is required. (and 2 more errors)","action":"fix_request","docs":"/errors/validation-failed","context":{"errors":{"to":["The to field is required."],"quality":["quality must be one of: standard, fine."],"participant.number":["participant.number must be in E.164 format (e.g. +1234567890)."]}},"request_id":"req_b"}
	// 400 {"error":"malformed_body","message":"The request body could not be parsed.","action":"fix_request","docs":"/errors/malformed-body","detail":"to must be a string, not a number.","context":{"column":10,"expected":"string","field":"to","line":2},"request_id":"req_b"}
}

func ExampleNew() {
	faxes, err := bind.New(bind.Config{Enums: map[string][]string{"fax_quality": {"standard", "fine"}}})
	if err != nil {
		panic(err)
	}
	type SendFax struct {
		Quality string `json:"quality" validate:"fax_quality"`
	}
	h := middleware.Stack(nil, quiet(), middleware.WithRequestIDFunc(func() string { return "req_e" }))(
		apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			var req SendFax
			return faxes.JSON(r, &req)
		}))
	show(h, httptest.NewRequest("POST", "/", strings.NewReader(`{"quality":"ultra"}`)))
	// Output:
	// 422 {"error":"validation_failed","message":"quality must be one of: standard, fine.","action":"fix_request","docs":"/errors/validation-failed","context":{"errors":{"quality":["quality must be one of: standard, fine."]}},"request_id":"req_e"}
}
