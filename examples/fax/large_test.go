package fax

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// An oversized body gets one answer whether or not it carries an
// Idempotency-Key: the idempotency middleware reads a keyed body first (to
// fingerprint it) and once answered with its own payload_too_large message
// and no errors.file.
func TestOversizedBodyOneAnswerWithOrWithoutKey(t *testing.T) {
	e := newEnv(t, Config{})
	over := append(pdf(1), make([]byte, 11<<20)...) // base64 over the JSON body limit
	tests := []struct {
		name string
		send func(header map[string]string) response
	}{
		{"JSON, declared length", func(h map[string]string) response { return e.sendJSON(DemoSandboxKey, "+14155550123", over, h) }},
		{"JSON, chunked", func(h map[string]string) response {
			body, _ := json.Marshal(map[string]string{"to": "+14155550123", "file": base64.StdEncoding.EncodeToString(over)})
			h["Content-Type"] = "application/json"
			// A reader of unknown length: the client sends it chunked.
			return e.do("POST", "/fax", DemoSandboxKey, io.MultiReader(bytes.NewReader(body)), h)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := tt.send(map[string]string{})
			keyed := tt.send(map[string]string{"Idempotency-Key": "big-" + strings.ReplaceAll(tt.name, " ", "-")})
			if plain.Status != 422 || keyed.Status != plain.Status {
				t.Fatalf("without a key %d %s; with one %d %s", plain.Status, plain.Body, keyed.Status, keyed.Body)
			}
			a, b := plain.json(t), keyed.json(t)
			delete(a, "request_id")
			delete(b, "request_id")
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Fatalf("without a key:\n%s\nwith one:\n%s", ja, jb)
			}
			if !strings.Contains(string(ja), `"file":["The file may not be greater than 10 MB."]`) {
				t.Errorf("answer %s does not name the file", ja)
			}
		})
	}
}

// The JSON file member is decoded straight from the body: its errors read
// as before (a wrong JSON type from Bind with its position, the file rules
// as field errors beside the others).
func TestJSONFileMember(t *testing.T) {
	e := newEnv(t, Config{})
	post := func(body string) response {
		return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(body), jsonCT)
	}
	doc := base64.StdEncoding.EncodeToString(pdf(1))
	tests := []struct {
		name, body string
		status     int
		want       []string
	}{
		{"number", `{"to":"+14155550123","file":12}`, 400, []string{`"field":"file"`, `"expected":"string"`, `"column":31`, `"detail":"file must be a string, not a number."`}},
		{"array", `{"to":"+14155550123","file":[]}`, 400, []string{`"field":"file"`, `"expected":"string"`, `"column":30`, `"detail":"file must be a string, not an array."`}},
		{"null", `{"to":"+14155550123","file":null}`, 422, []string{`"file":["The file field is required."]`}},
		{"empty", `{"to":"+14155550123","file":""}`, 422, []string{`"file":["The file field is required."]`}},
		{"missing, bad number", `{"to":"555"}`, 422, []string{`"to":["` + msgToE164 + `"],"file":["The file field is required."]`}},
		{"not base64, bad number", `{"to":"555","file":"%%%"}`, 422, []string{`"to":["` + msgToE164 + `"],"file":["The file must be base64-encoded."]`}},
		{"escaped slash", `{"to":"+14155550123","file":"` + strings.ReplaceAll(doc, "/", `\/`) + `"}`, 201, nil},
		{"valid", `{"to":"+14155550123","file":"` + doc + `"}`, 201, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(tt.body)
			if r.Status != tt.status {
				t.Fatalf("%d %s; want %d", r.Status, r.Body, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("body %s lacks %s", r.Body, w)
				}
			}
		})
	}
}

// Each API key may have MaxSubmissions POST /fax in flight: the next one is
// refused before its body is read, with a catalog 429 whose docs resolve.
func TestSubmissionsInFlightPerKey(t *testing.T) {
	e := newEnv(t, Config{MaxSubmissions: 1, RatePerSecond: -1})
	// A submission whose body is still arriving holds the one slot.
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() }) // before the server's Close, which waits for it
	held := make(chan response)
	go func() {
		held <- e.do("POST", "/fax", DemoSandboxKey, pr, map[string]string{"Content-Type": "application/json", "Idempotency-Key": "slow"})
	}()
	_, _ = pw.Write([]byte(`{"to":"+14155550123",`))
	var r response
	// Until the slow one holds the slot (no clock involved), probe with a
	// submission that cannot succeed: one let through before the slow one
	// took the slot fails validation and spends none of the balance the
	// slow one needs (on a loaded machine many were let through).
	for i := 0; i < 1000; i++ {
		if r = e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(`{"to":"+14155550123"}`),
			map[string]string{"Content-Type": "application/json"}); r.Status == http.StatusTooManyRequests {
			break
		}
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Fatalf("a probe without a file: %d %s", r.Status, r.Body)
		}
	}
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a second submission while one is in flight: %d %s; want 429 with Retry-After", r.Status, r.Body)
	}
	m := r.json(t)
	docs, _ := m["docs"].(string)
	const site = "https://mintfax.com" // newEnv keeps seed 000's docs URL; the demo serves its path
	if page := e.do("GET", strings.TrimPrefix(docs, site), "", nil, nil); !strings.HasPrefix(docs, site) || page.Status != 200 {
		t.Errorf("docs link %q of %s answers %d", docs, r.Body, page.Status)
	}
	// Another key is not limited by it.
	if r := e.sendJSON(DemoGlobexKey, "+14155550123", pdf(1), nil); r.Status != http.StatusCreated {
		t.Errorf("another key: %d %s", r.Status, r.Body)
	}
	_, _ = pw.Write([]byte(`"file":"` + base64.StdEncoding.EncodeToString(pdf(1)) + `"}`))
	_ = pw.Close()
	if r := <-held; r.Status != http.StatusCreated {
		t.Fatalf("the slow submission: %d %s", r.Status, r.Body)
	}
	if r := e.sendJSON(DemoSandboxKey, "+14155550123", pdf(1), nil); r.Status != http.StatusCreated {
		t.Errorf("once the slot is free: %d %s", r.Status, r.Body)
	}
}
