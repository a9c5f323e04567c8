package client_test

import (
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/fax"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
)

// TestDecodeSeedCatalogs renders every code of the five seed catalogs
// (examples/*), in every format each catalog speaks, and decodes it back:
// whatever the body carries — code, message, field errors, retry hint —
// the client reads.
func TestDecodeSeedCatalogs(t *testing.T) {
	faxCat, err := fax.NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for name, cat := range map[string]*apierr.Catalog{
		"000 fax": faxCat, "001 inbox": inbox.Catalog(), "002 mail": mail.Catalog(),
		"003 calls": calls.Catalog(), "004 campaigns": campaigns.Catalog(),
	} {
		for _, f := range cat.Formats() {
			for _, code := range cat.Codes() {
				t.Run(name+"/"+f.Name()+"/"+code.ID, func(t *testing.T) {
					src := code.ExampleError()
					res := new(apierr.Error)
					cat.Resolve(res, src)
					body := cat.Render(f, src)
					rec := httptest.NewRecorder()
					rec.Header().Set("Content-Type", f.ContentType())
					if s := res.RetryAfterSeconds(); s > 0 {
						rec.Header().Set("Retry-After", strconv.FormatInt(s, 10))
					}
					rec.WriteHeader(res.Status)
					rec.Write(body)

					var got *apierr.Error
					if !errors.As(client.Decode(rec.Result()), &got) {
						t.Fatal("no *apierr.Error")
					}
					if got.Status != res.Status {
						t.Errorf("status %d, want %d", got.Status, res.Status)
					}
					if strings.Contains(string(body), strconv.Quote(res.Code)) && got.Code != res.Code {
						t.Errorf("code %q, want %q in %s", got.Code, res.Code, body)
					}
					if m := res.Message; m != "" && strings.Contains(string(body), string(apierr.AppendString(nil, m))) &&
						got.Message != m && got.Detail != m && got.Title != m { // RFC 9457: the message may be the title
						t.Errorf("message %q / detail %q, want %q in %s", got.Message, got.Detail, m, body)
					}
					if got.Message == "" {
						t.Error("empty message")
					}
					for _, fe := range res.Fields {
						if !strings.Contains(string(body), strconv.Quote(fe.Field)) {
							continue // a format may carry only the first field
						}
						found := false
						for _, g := range got.Fields {
							found = found || g.Field == fe.Field
						}
						if !found {
							t.Errorf("field %q lost: %+v from %s", fe.Field, got.Fields, body)
						}
					}
					if res.RetryAfter > 0 && got.RetryAfter <= 0 {
						t.Errorf("retry-after lost")
					}
					if client.RetryableStatus(res.Status) != got.Retryable && !got.Retryable {
						t.Errorf("retryable = %v for %d", got.Retryable, res.Status)
					}
				})
			}
		}
	}
}

// TestDecodeFaxDemoLanguages sends the fax demo (examples/fax, with its
// German and French translations) requests that fail, over real HTTP with
// the client's Accept-Language, and decodes the answers: the decoded error
// keeps the language the server chose (Content-Language), its message is
// the translation's, and the code, action and docs link are the same in
// every language.
func TestDecodeFaxDemoLanguages(t *testing.T) {
	demo, err := fax.NewDemo(fax.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(demo)
	defer srv.Close()
	cat := demo.Catalog()
	pdf := base64.StdEncoding.EncodeToString(fax.DemoPDF())
	for _, tc := range []struct{ accept, want string }{
		{"", "en"}, {"de", "de"}, {"fr;q=0.9, de;q=0.8", "fr"}, {"de-AT", "de"}, {"ja", "en"},
	} {
		view, ok := cat.Localized(tc.want)
		if !ok {
			t.Fatalf("the demo's catalog has no %s", tc.want)
		}
		for _, rq := range []struct {
			method, path, key, body, code string
		}{
			{"POST", "/fax", fax.DemoLiveKey, `{"to":"+14155550123","file":"` + pdf + `"}`, "insufficient_balance"},
			{"GET", "/account/balance", "", "", "api_key_missing"},
			{"GET", "/fax/fax_does_not_exist", fax.DemoSandboxKey, "", "not_found"},
			{"GET", "/no/such/route", fax.DemoSandboxKey, "", "endpoint_not_found"},
		} {
			req, _ := http.NewRequest(rq.method, srv.URL+rq.path, strings.NewReader(rq.body))
			if rq.key != "" {
				req.Header.Set("Authorization", "Bearer "+rq.key)
			}
			if rq.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var re *client.ResponseError
			if !errors.As(client.Decode(resp), &re) {
				t.Fatalf("%s %s: no *client.ResponseError", rq.method, rq.path)
			}
			if re.Language != tc.want {
				t.Errorf("Accept-Language %q, %s: Language %q, want %q", tc.accept, rq.code, re.Language, tc.want)
			}
			code := view.Lookup(rq.code)
			if re.API.Code != rq.code || re.API.Action != code.Action {
				t.Errorf("Accept-Language %q: decoded %q/%q, want %q/%q", tc.accept, re.API.Code, re.API.Action, rq.code, code.Action)
			}
			if !strings.HasSuffix(re.API.Docs, "/"+cat.Slug().Apply(rq.code)) {
				t.Errorf("Accept-Language %q, %s: docs %q is not the code's permalink", tc.accept, rq.code, re.API.Docs)
			}
			msg := code.Message
			if code.Example != nil && code.Example.Message != "" && rq.code == "insufficient_balance" {
				msg = code.Example.Message // the demo sets the seed's example wording, translated as the example's
			}
			if re.API.Message != msg {
				t.Errorf("Accept-Language %q, %s: message %q, want the %s text %q", tc.accept, rq.code, re.API.Message, tc.want, msg)
			}
		}
	}
}
