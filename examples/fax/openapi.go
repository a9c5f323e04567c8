package fax

import (
	_ "embed"
	"fmt"
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

// openAPIBase is the fax API's own OpenAPI document: every route with its
// request and success shapes, no error responses.
//
//go:embed openapi.yaml
var openAPIBase []byte

// OpenAPI returns the fax API's complete OpenAPI 3.1 document, in JSON:
// openapi.yaml with the error responses of every operation in ops merged
// in from cat (docgen.MergeOpenAPI): per status, a schema that admits only
// the operation's codes, their examples and the headers the runtime sends.
// Nil ops means cat's own (Catalog.Operations). The server serves it at
// GET /openapi.json.
func OpenAPI(cat *apierr.Catalog, ops []apierr.Operation) ([]byte, error) {
	m, err := docgen.MergeOpenAPI(cat, openAPIBase, docgen.MergeOptions{Operations: ops, Format: "json"})
	if err != nil {
		return nil, fmt.Errorf("fax: openapi.yaml: %w", err)
	}
	return m.Data, nil
}

// serveOpenAPI answers GET /openapi.json with the document built at start.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(s.openapi)))
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(s.openapi)
	}
}
