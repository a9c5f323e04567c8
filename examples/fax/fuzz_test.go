package fax

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

// FuzzPostFax sends arbitrary bodies to POST /fax through the whole stack:
// every answer is a created fax or a catalog error in the envelope, never a
// panic or a 500 (the live environment has no failing magic number). The
// seeds run in plain go test.
func FuzzPostFax(f *testing.F) {
	srv, err := NewDemo(Config{RatePerSecond: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	srv.Credit("ws_acme", Live, 1<<40)
	const boundary = "XyZ"
	f.Add("application/json", []byte(`{"to":"+14155550123","file":"JVBERi0xLjQK"}`))
	f.Add("application/json", []byte(`{"to":"+1","file":"SUkqAAgAAAA="}`))
	f.Add("application/json", []byte(`{"to":12,"file":[]}`))
	f.Add("application/json", []byte(`{"to":"+14155550123","file":"/9j/"}`+"\n{}"))
	f.Add("application/json", []byte(`{`))
	f.Add("application/json; charset=utf-8", []byte("\xff\xfe"))
	f.Add("multipart/form-data; boundary="+boundary, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n+14155550123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 /Type /Page\r\n--XyZ--\r\n"))
	f.Add("multipart/form-data; boundary="+boundary, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nMM\x00*\x00\x00\x00\x08\xff\xff"))
	f.Add("multipart/form-data", []byte("--x--"))
	f.Add("text/plain", []byte("to=+14155550123"))
	f.Add("", []byte(nil))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		req := httptest.NewRequest("POST", "/fax", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DemoLiveKey)
		req.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		var got map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%d: body is not JSON: %q", w.Code, w.Body.Bytes())
		}
		switch {
		case w.Code == 201:
			if got["status"] != string(Queued) {
				t.Fatalf("created: %s", w.Body.Bytes())
			}
		case w.Code >= 500:
			t.Fatalf("%d: %s", w.Code, w.Body.Bytes())
		default:
			code, _ := got["error"].(string)
			if srv.Catalog().Lookup(code) == nil || got["request_id"] == nil {
				t.Fatalf("%d: not a catalog error: %s", w.Code, w.Body.Bytes())
			}
		}
	})
}
