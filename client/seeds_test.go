package client_test

import (
	"errors"
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
