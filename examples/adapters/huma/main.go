// Command huma is the fax example on huma v2 (humago, net/http's ServeMux)
// with apierrhuma:
//
//	go run ./examples/adapters/huma --addr 127.0.0.1:8083
package main

import (
	"context"
	"net/http"

	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/apierr/apierr/docgen"
	"github.com/apierr/apierr/examples/adapters/internal/faxapp"
	"github.com/apierr/apierr/middleware"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

func main() { faxapp.Main("huma", newHandler) }

type sendFaxInput struct {
	Body struct {
		To   string `json:"to" pattern:"^\\+[1-9]\\d{1,14}$" patternDescription:"an E.164 number, e.g. +14155550123"`
		File string `json:"file" format:"base64" doc:"The document, base64-encoded"`
	}
}

type faxOutput struct{ Body faxapp.Fax }

type balanceOutput struct{ Body faxapp.Balance }

type faxInput struct {
	ID string `path:"id"`
}

func newHandler(app *faxapp.App) http.Handler {
	mux := http.NewServeMux()
	config := huma.DefaultConfig("Fax API", "1.0.0")
	config.Transformers = nil // no $schema member in bodies: the example's answers match the other two
	api := humago.New(mux, apierrhuma.Configure(config, app.Catalog))

	authed := huma.Middlewares{apierrhuma.Middleware(app.Auth), apierrhuma.Middleware(app.Limit)}
	huma.Register(api, huma.Operation{OperationID: "get-balance", Method: http.MethodGet, Path: "/account/balance",
		Middlewares: authed},
		func(ctx context.Context, _ *struct{}) (*balanceOutput, error) {
			return &balanceOutput{Body: app.Balance(ctx)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-fax", Method: http.MethodGet, Path: "/fax/{id}",
		Middlewares: authed},
		func(ctx context.Context, in *faxInput) (*faxOutput, error) {
			f, ok := app.Lookup(ctx, in.ID)
			if !ok {
				return nil, huma.Error404NotFound("No fax with this ID.") // huma's own: the catalog's not_found
			}
			return &faxOutput{Body: f}, nil
		})
	post := append(authed, apierrhuma.Middleware(app.BodyLimit), apierrhuma.Middleware(app.JSONOnly),
		apierrhuma.Middleware(app.Idempotency))
	huma.Register(api, huma.Operation{OperationID: "send-fax", Method: http.MethodPost, Path: "/fax",
		DefaultStatus: http.StatusCreated, Middlewares: post},
		func(ctx context.Context, in *sendFaxInput) (*faxOutput, error) {
			f, err := app.Send(ctx, in.Body.To)
			if err != nil {
				return nil, err // insufficient_balance, internal
			}
			return &faxOutput{Body: f}, nil
		})

	docs := docgen.Handler(app.Catalog)
	mux.Handle("GET /docs/errors/", docs)
	mux.Handle("GET /docs/errors", docs)
	mux.Handle("GET /llms.txt", docs)
	// The runtime wraps the router, as on net/http: ServeMux's 404 and 405
	// and panics become catalog errors there.
	return middleware.Stack(app.Catalog)(mux)
}
