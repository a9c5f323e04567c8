package auth_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/middleware"
)

const validFax = `{"to":"+14155550100","file":"f.pdf"}`

// bindHandler decodes and validates a fax.
func bindHandler() http.Handler {
	return apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req struct {
			To   string `json:"to" validate:"required,e164"`
			File string `json:"file" validate:"required"`
		}
		if err := bind.JSON(r, &req); err != nil {
			return err
		}
		fmt.Fprintf(w, "ok %s", req.To)
		return nil
	})
}

// hostileServer is the full runtime in front of an authenticated, bounded,
// validated endpoint.
func hostileServer(t *testing.T, kind string) (*httptest.Server, *logBuf) {
	t.Helper()
	logger, logs := newLogger()
	endpoint := auth.New(testAuthConfig(t))(middleware.BodyLimit(64 << 10)(bindHandler()))
	return serve(t, mount(t, kind, middleware.Stack(faxCatalog(t), middleware.WithLogger(logger)), route{"POST /fax", endpoint})), logs
}

// rawExchange writes raw bytes to the server and reads one response; the
// body writer runs concurrently so a server that answers early is seen.
func rawExchange(t *testing.T, srv *httptest.Server, head string, body func(w io.Writer)) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		go body(conn)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, b
}

// endless writes 1 KiB chunks until the connection fails or 64 MiB are sent.
func endless(w io.Writer) {
	chunk := fmt.Sprintf("400\r\n%s\r\n", strings.Repeat("[", 1024))
	for i := 0; i < 64<<10; i++ {
		if _, err := io.WriteString(w, chunk); err != nil {
			return
		}
	}
}

func TestHostileInput(t *testing.T) {
	authz := "Authorization: Bearer " + testKey + "\r\n"
	head := func(extra string, n int) string {
		return "POST /fax HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra + fmt.Sprintf("Content-Length: %d\r\n\r\n", n)
	}
	tests := []struct {
		name   string
		head   string
		body   string
		stream func(io.Writer)
		status int
		cond   apierr.Condition
		// serverOwn marks what net/http answers before any handler runs:
		// those responses cannot be catalog errors (see the package report).
		serverOwn bool
	}{
		{name: "declared oversized body", head: head(authz, 50<<20), status: fs(apierr.CondPayloadTooLarge), cond: apierr.CondPayloadTooLarge},
		{name: "body that never ends", head: "POST /fax HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + authz + "Transfer-Encoding: chunked\r\n\r\n",
			stream: endless, status: fs(apierr.CondPayloadTooLarge), cond: apierr.CondPayloadTooLarge},
		{name: "invalid utf-8", head: head(authz, 14), body: "{\"to\":\"\xff\xfe\xfd\"}  ", status: 0, cond: apierr.CondMalformedBody},
		{name: "nul byte in json", head: head(authz, 10), body: "{\"to\":\"\x00\"}", status: 0, cond: apierr.CondMalformedBody},
		{name: "deeply nested json", head: head(authz, 60000), body: strings.Repeat("[", 30000) + strings.Repeat("]", 30000), status: 0, cond: apierr.CondMalformedBody},
		{name: "deeply nested objects", head: head(authz, 5*5000+5000), body: strings.Repeat(`{"a":`, 5000) + strings.Repeat("}", 5000), status: 0, cond: apierr.CondMalformedBody},
		{name: "huge request id", head: head(authz+"X-Request-ID: "+strings.Repeat("r", 200<<10)+"\r\n", len(validFax)), body: validFax, status: 200},
		{name: "huge key", head: head("Authorization: Bearer "+strings.Repeat("k", 200<<10)+"\r\n", 2), body: "{}", status: 401, cond: apierr.CondAuthMalformed},
		{name: "headers over the server limit", head: head(authz+"X-Big: "+strings.Repeat("b", 2<<20)+"\r\n", 2), body: "{}", status: 431, serverOwn: true},
		{name: "tab in request id", head: head(authz+"X-Request-ID: a\tb\r\n", len(validFax)), body: validFax, status: 200},
		{name: "DEL in request id", head: head(authz+"X-Request-ID: a\x7fb\r\n", len(validFax)), body: validFax, status: 400, serverOwn: true},
		{name: "control character in request id", head: head(authz+"X-Request-ID: a\x01b\r\n", len(validFax)), body: validFax, status: 400, serverOwn: true},
		{name: "high bytes in request id", head: head(authz+"X-Request-ID: \xc3\xa9\xff\r\n", len(validFax)), body: validFax, status: 200},
		{name: "tab in key", head: head("Authorization: Bearer fx_test_9f8e\t7d6c5b4a39281706\r\n", 2), body: "{}", status: 401, cond: apierr.CondAuthMalformed},
		{name: "control character in key", head: head("X-API-Key: fx_test_9f8e\x02d6c5b4a39281706\r\n", 2), body: "{}", status: 400, serverOwn: true},
		{name: "invalid utf-8 in key", head: head("X-API-Key: fx_test_\xff\xfe9281706\r\n", 2), body: "{}", status: 401, cond: apierr.CondAuthMalformed},
		{name: "key with newline folded", head: head("X-API-Key: fx_test_9f8e7d6c\r\n 5b4a39281706\r\n", 2), body: "{}", status: 401, cond: apierr.CondAuthMalformed},
		{name: "many request ids", head: head(authz+strings.Repeat("X-Request-ID: abc\r\n", 500), len(validFax)), body: validFax, status: 200},
	}
	for _, kind := range routerKinds {
		srv, logs := hostileServer(t, kind)
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				var body func(io.Writer)
				if tt.stream != nil {
					body = tt.stream
				} else if tt.body != "" {
					b := tt.body
					body = func(w io.Writer) { _, _ = io.WriteString(w, b) }
				}
				res, b := rawExchange(t, srv, tt.head, body)
				want := tt.status
				if want == 0 {
					want = faxCatalog(t).StatusOf(tt.cond)
				}
				if res.StatusCode != want {
					t.Fatalf("status = %d, want %d (body %.300s)", res.StatusCode, want, b)
				}
				id := res.Header.Get("X-Request-ID")
				if tt.serverOwn {
					return
				}
				if !middleware.ValidRequestID(id) {
					t.Errorf("request id %q", id)
				}
				if tt.cond != "" {
					code := fc(tt.cond)
					if !strings.Contains(string(b), `"error":"`+code+`"`) || !strings.Contains(string(b), `"request_id":"`+id+`"`) {
						t.Errorf("body %.300s, want code %s and request id %s", b, code, id)
					}
				}
				for _, secret := range []string{testKey, "9f8e7d6c", "kkkkkkkkkk"} {
					if strings.Contains(string(b), secret) || strings.Contains(fmt.Sprint(res.Header), secret) {
						t.Errorf("secret %q echoed: %v %.300s", secret, res.Header, b)
					}
				}
			})
		}
		if s := logs.String(); strings.Contains(s, testKey) || strings.Contains(s, "9f8e7d6c") || strings.Contains(s, "kkkkkkkkkk") {
			t.Errorf("%s: a key reached the log", kind)
		}
	}
}
