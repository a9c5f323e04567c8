package fax

import (
	"net/http"
	"strings"
)

// BareHandler is the benchmark baseline for `apierr demo --bare`: the
// demo's GET /account/balance and GET /fax/{id} answered with net/http
// alone, the same JSON for the demo's sandbox key, and none of apierr: no
// request ID, no recover or normalize, no auth middleware (a map lookup of
// the bearer value), no rate limiter, no catalog (error bodies are constant
// bytes), the same writeJSON as the demo's handlers so that only the stack
// differs. It serves no real faxes: every id is unknown.
func BareHandler() http.Handler {
	keys := map[string]string{DemoSandboxKey: "ws_acme"}
	unauthorized := []byte(`{"error":"api_key_invalid","message":"The API key was sent but is not recognized.","action":"check_credentials","docs":"https://mintfax.com/docs/errors/api-key-invalid"}` + "\n")
	notFound := []byte(`{"error":"not_found","message":"The requested resource does not exist.","action":"verify_id","docs":"https://mintfax.com/docs/errors/not-found"}` + "\n")
	noRoute := []byte(`{"error":"endpoint_not_found","message":"No endpoint matches this path.","action":"check_url","docs":"https://mintfax.com/docs/errors/endpoint-not-found"}` + "\n")
	write := func(w http.ResponseWriter, status int, body []byte) {
		w.Header()["Content-Type"] = jsonType
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	authed := func(r *http.Request) bool {
		_, ok := keys[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		return ok
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /account/balance", func(w http.ResponseWriter, r *http.Request) {
		if !authed(r) {
			write(w, http.StatusUnauthorized, unauthorized)
			return
		}
		_ = writeJSON(w, http.StatusOK, Balance{Environment: Sandbox, Balance: DemoSandboxCredits,
			Available: DemoSandboxCredits, Currency: "credits"})
	})
	mux.HandleFunc("GET /fax/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !authed(r) {
			write(w, http.StatusUnauthorized, unauthorized)
			return
		}
		write(w, http.StatusNotFound, notFound)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		write(w, http.StatusNotFound, noRoute)
	})
	return mux
}
