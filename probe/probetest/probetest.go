// Package probetest runs reference APIs for testing the probe, in the
// manner of net/http/httptest: Correct keeps apierr's error contract in
// every answer, Broken breaks it in the ways real services do (plain-text
// 404, an HTML 500 with a stack trace, a 429 without Retry-After, a 401 that
// echoes the key, no request ID, SQL in a message, no Allow, no challenge).
package probetest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apierr/apierr"
)

// Key is the valid API key of both servers.
const Key = "pt_test_5d2c8a1f9e7b4360"

// PostPath is the POST route of both servers.
const PostPath = "/things"

// MaxBody is the largest request body both servers accept.
const MaxBody = 1 << 20

// Server is a running reference API.
type Server struct {
	*httptest.Server
	// Catalog is the catalog the server renders with (Correct) or claims
	// (Broken): the default catalog with docs on the server's own host.
	Catalog *apierr.Catalog
	// Requests counts the requests the server received.
	Requests atomic.Int64

	limit int64
	mu    sync.Mutex
	used  map[string]int64
	idem  map[string][32]byte
}

// Correct starts an API that keeps the contract: every failure is a catalog
// error written by apierr.Write with a request ID, challenges on 401, Allow on
// 405, Retry-After on 429, docs on its own host. A key gets limit requests
// before 429 (0 means no limit).
func Correct(limit int) *Server {
	s := newServer(limit)
	s.Config.Handler = s.count(s.state(recoverer(http.HandlerFunc(s.correct))))
	return s
}

// Broken starts an API that breaks the contract in named ways. A key gets
// limit requests before a 429 without Retry-After (0 means no limit).
func Broken() *Server {
	s := newServer(5)
	s.Config.Handler = s.count(http.HandlerFunc(s.broken))
	return s
}

func newServer(limit int) *Server {
	s := &Server{limit: int64(limit), used: map[string]int64{}, idem: map[string][32]byte{}}
	s.Server = httptest.NewUnstartedServer(nil)
	s.Start()
	spec := apierr.Spec{Name: "probetest", DocsURL: s.URL + "/docs/errors/{slug}"}
	for _, c := range apierr.Default().Codes() {
		spec.Codes = append(spec.Codes, *c)
	}
	cat, err := apierr.NewCatalog(spec)
	if err != nil {
		panic("probetest: " + err.Error())
	}
	s.Catalog = cat
	return s
}

func (s *Server) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Requests.Add(1)
		next.ServeHTTP(w, r)
	})
}

// state gives each request its apierr.State and request ID.
func (s *Server) state(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := "req_" + hex.EncodeToString(b[:])
		w.Header().Set(s.Catalog.RequestIDHeader(), id)
		st := apierr.NewState(s.Catalog, id)
		next.ServeHTTP(w, r.WithContext(apierr.NewContext(r.Context(), st)))
	})
}

func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				apierr.Write(w, r, apierr.Internal(fmt.Errorf("panic: %v", v)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) correct(w http.ResponseWriter, r *http.Request) {
	if slug, ok := strings.CutPrefix(r.URL.Path, "/docs/errors/"); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		for _, c := range s.Catalog.Codes() {
			if s.Catalog.Slug().Apply(c.ID) == slug {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprintf(w, "<h1>%s</h1>", c.ID)
				return
			}
		}
		apierr.Write(w, r, apierr.Cond(apierr.CondNotFound))
		return
	}
	if err := s.authenticate(r); err != nil {
		apierr.Write(w, r, err.WithHeader("WWW-Authenticate", `Bearer realm="probetest"`))
		return
	}
	if err := s.limited(); err != nil {
		apierr.Write(w, r, err)
		return
	}
	if r.URL.Path != PostPath {
		apierr.Write(w, r, apierr.Cond(apierr.CondEndpointNotFound))
		return
	}
	if r.Method != http.MethodPost {
		apierr.Write(w, r, apierr.Cond(apierr.CondMethodNotAllowed).WithHeader("Allow", http.MethodPost))
		return
	}
	apierr.HandlerFunc(s.create).ServeHTTP(w, r)
}

func (s *Server) authenticate(r *http.Request) *apierr.Error {
	h, ok := r.Header["Authorization"]
	if !ok {
		return apierr.Cond(apierr.CondAuthMissing)
	}
	key, ok := strings.CutPrefix(h[0], "Bearer ")
	if len(h) != 1 || !ok || strings.TrimSpace(key) == "" {
		return apierr.Cond(apierr.CondAuthMalformed)
	}
	if key != Key {
		e := apierr.Cond(apierr.CondAuthInvalid)
		if strings.TrimSpace(key) != key {
			e.With("hint", "the key has surrounding whitespace")
		}
		return e
	}
	return nil
}

func (s *Server) limited() *apierr.Error {
	if s.limit <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used[Key]++
	if s.used[Key] > s.limit {
		return apierr.Cond(apierr.CondRateLimited).WithRetryAfter(30*time.Second).With("retry_after", 30)
	}
	return nil
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return apierr.Cond(apierr.CondUnsupportedMediaType)
	}
	if r.ContentLength > MaxBody {
		return apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", MaxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return apierr.From(err)
	}
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		sum := sha256.Sum256(body)
		s.mu.Lock()
		prev, seen := s.idem[k]
		if !seen {
			s.idem[k] = sum
		}
		s.mu.Unlock()
		if seen && prev != sum {
			return apierr.Cond(apierr.CondIdempotencyKeyReused)
		}
	}
	var v struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		var se *json.SyntaxError
		e := apierr.Cond(apierr.CondMalformedBody)
		if errors.As(err, &se) {
			e.With("offset", se.Offset)
		}
		return e
	}
	if v.Name == "" {
		return apierr.Cond(apierr.CondValidationFailed).WithField("name", "required", "name is required")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"id":"thing_1"}`)
	return nil
}

// broken answers like a service that never adopted a contract.
func (s *Server) broken(w http.ResponseWriter, r *http.Request) {
	jsonError := func(status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	h := r.Header.Get("Authorization")
	key, _ := strings.CutPrefix(h, "Bearer ")
	switch {
	case h == "":
		// No WWW-Authenticate challenge.
		jsonError(http.StatusUnauthorized, `{"error":"unauthorized","message":"missing credentials"}`)
		return
	case key != Key:
		// Echoes the key it was given.
		b, _ := json.Marshal(map[string]string{"error": "invalid_key", "message": "API key " + key + " is not valid"})
		jsonError(http.StatusUnauthorized, string(b))
		return
	}
	s.mu.Lock()
	s.used[Key]++
	over := s.limit > 0 && s.used[Key] > s.limit && r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/json" && r.ContentLength < 100
	s.mu.Unlock()
	if over {
		// No Retry-After.
		jsonError(http.StatusTooManyRequests, `{"error":"rate_limited","message":"slow down"}`)
		return
	}
	if r.URL.Path != PostPath {
		http.NotFound(w, r) // text/plain "404 page not found"
		return
	}
	if r.Method != http.MethodPost {
		jsonError(http.StatusMethodNotAllowed, `{"error":"method_not_allowed","message":"use POST"}`) // no Allow
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		jsonError(http.StatusBadRequest, `{"error":"bad_request","message":"pq: syntax error at or near \"{\" (SQLSTATE 42601)"}`)
		return
	}
	if r.ContentLength > MaxBody {
		jsonError(http.StatusRequestEntityTooLarge, `{"error":"too_large","message":"body too large"}`)
		return
	}
	var v any
	body, _ := io.ReadAll(io.LimitReader(r.Body, MaxBody))
	if json.Unmarshal(body, &v) != nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<html><body><h1>Internal Server Error</h1><pre>panic: unexpected end of JSON input\n\n"+
			"goroutine 7 [running]:\nmain.(*api).create(0xc000126000, {0x7f1e2c, 0xc00014e000})\n"+
			"\t/home/deploy/api/handlers.go:88 +0x1d\n</pre></body></html>")
		return
	}
	jsonError(http.StatusUnprocessableEntity, `{"error":"validation_failed","message":"name is required"}`)
}
