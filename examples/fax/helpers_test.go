package fax

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source shared by the server and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 9, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one demo server behind a real HTTP listener.
type env struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	clock *clock
}

// newEnv starts the demo server (seed 000's docs links) with cfg's clock
// replaced by a test clock; cfg may change anything else.
func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	c := newClock()
	cfg.Now = c.Now
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := NewDemo(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &env{t: t, srv: srv, http: hs, clock: c}
}

// response is what a test looks at.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// do sends one request. header holds extra headers; key, when not empty, is
// sent as Authorization: Bearer key.
func (e *env) do(method, path, key string, body io.Reader, header map[string]string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

var jsonCT = map[string]string{"Content-Type": "application/json"}

// sendJSON posts a fax as JSON.
func (e *env) sendJSON(key, to string, doc []byte, header map[string]string) response {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range header {
		h[k] = v
	}
	body, _ := json.Marshal(map[string]string{"to": to, "file": base64.StdEncoding.EncodeToString(doc)})
	return e.do("POST", "/fax", key, bytes.NewReader(body), h)
}

// sendMultipart posts a fax as multipart/form-data; a nil doc sends no file part.
func (e *env) sendMultipart(key, to string, doc []byte) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if to != "" {
		_ = mw.WriteField("to", to)
	}
	if doc != nil {
		fw, _ := mw.CreateFormFile("file", "doc.pdf")
		_, _ = fw.Write(doc)
	}
	_ = mw.Close()
	return e.do("POST", "/fax", key, &buf, map[string]string{"Content-Type": mw.FormDataContentType()})
}

// created decodes a 201 fax.
func created(t *testing.T, r response) Fax {
	t.Helper()
	if r.Status != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", r.Status, r.Body)
	}
	var f Fax
	if err := json.Unmarshal(r.Body, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// pdf returns a PDF of n pages (only what the page counter reads).
func pdf(n int) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.7\n1 0 obj <</Type /Pages>> endobj\n")
	for i := 0; i < n; i++ {
		b.WriteString("2 0 obj <</Type /Page /Parent 1 0 R>> endobj\n")
	}
	b.WriteString("%%EOF\n")
	return []byte(b.String())
}
