package idempotency_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
)

func ExampleNew() {
	charges := 0
	charge := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		charges++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"charge":"ch_%d"}`, charges)
	})
	keys := idempotency.New(idempotency.Config{Required: true})

	// In an API, auth.New sets the principal; here a stand-in does.
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := apierr.NewState(nil, "")
			st.SetPrincipal(&apierr.Principal{Tenant: "acme"})
			next.ServeHTTP(w, r.WithContext(apierr.NewContext(r.Context(), st)))
		})
	}
	srv := httptest.NewServer(auth(keys(charge)))
	defer srv.Close()

	for _, body := range []string{`{"amount":100}`, `{"amount":100}`, `{"amount":999}`} {
		req, _ := http.NewRequest("POST", srv.URL+"/charges", strings.NewReader(body))
		req.Header.Set("Idempotency-Key", `"8e03978e-40d5-43e8-bc93-6894a57f9324"`)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), strings.SplitN(string(b), ",", 2)[0])
	}
	fmt.Println("charges:", charges)
	// Output:
	// 201  {"charge":"ch_1"}
	// 201 true {"charge":"ch_1"}
	// 422  {"error":"idempotency_key_reused"
	// charges: 1
}
