package probe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/probe"
	"github.com/apierr/apierr/probe/probetest"
)

// detailOnly is a shape like seed 001's: {"code": …, "detail": …}, with no
// member for a docs link or a request ID.
type detailOnly struct{}

func (detailOnly) Name() string        { return "detail_only" }
func (detailOnly) ContentType() string { return "application/json" }
func (detailOnly) AppendBody(dst []byte, e *apierr.Error) []byte {
	dst = append(dst, `{"code":`...)
	dst = apierr.AppendString(dst, e.Code)
	dst = append(dst, `,"detail":`...)
	dst = apierr.AppendString(dst, e.Message)
	return append(dst, '}')
}

// TestShapeWithoutDocsOrRequestID: when the catalog's format has no member
// for the docs link or the request ID, the probe asks for the header only
// and skips the docs; without the catalog it cannot know, and fails.
func TestShapeWithoutDocsOrRequestID(t *testing.T) {
	cat, err := apierr.Load([]byte("name: t\ndocs_url: https://docs.example.com/errors/{slug}\nformat: detail_only\ncodes: {}\n"),
		"t.yaml", apierr.WithFormats(detailOnly{}))
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := fmt.Sprint("req_", n.Add(1))
		w.Header().Set("X-Request-ID", id)
		r = r.WithContext(apierr.NewContext(r.Context(), apierr.NewState(cat, id)))
		apierr.Write(w, r, apierr.Cond(apierr.CondEndpointNotFound))
	}))
	defer srv.Close()

	rep, err := probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Catalog: cat, Key: probetest.Key})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Has(probe.CheckRequestID, "unknown_endpoint", probe.Pass) || !rep.Has(probe.CheckDocsURL, "unknown_endpoint", probe.Skip) {
		t.Errorf("want request_id pass on the header and docs_url skipped:\n%s", table(rep))
	}

	rep, err = probe.Run(context.Background(), probe.Config{BaseURL: srv.URL, Key: probetest.Key})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Has(probe.CheckRequestID, "unknown_endpoint", probe.Fail) {
		t.Errorf("without a catalog a body without request ID must fail:\n%s", table(rep))
	}
}
