package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// decodeCase is one golden body: the file under testdata/decode, the status
// and headers it is served with, and the members that must come out. The
// whole decoded error is also compared with testdata/decode/<file>.want.
type decodeCase struct {
	name   string
	file   string
	status int
	header map[string]string
	want   apierr.Error // only non-zero members are checked
	fields int          // number of field errors expected
}

var decodeCases = []decodeCase{
	{name: "apierr envelope with field errors", file: "envelope_validation.json", status: 422,
		want: apierr.Error{Code: "validation_failed", Message: "The to field is required.", Action: "fix_request",
			Docs: "https://mintfax.com/docs/errors/validation-failed", RequestID: "req_01HZX3Q2"}, fields: 2},
	{name: "apierr envelope rate limited with header", file: "envelope_rate_limited.json", status: 429,
		header: map[string]string{"Retry-After": "12"},
		want:   apierr.Error{Code: "rate_limit_exceeded", Retryable: true, RetryAfter: 12 * time.Second, RequestID: "req_7f3a"}},
	{name: "apierr problem+json", file: "problem_apierr.json", status: 422,
		header: map[string]string{"Content-Type": "application/problem+json"},
		want: apierr.Error{Code: "VALIDATION_ERROR", Title: "Validation failed", Message: "2 fields are invalid.",
			Docs: "https://api.example.com/docs/errors/validation-failed", Instance: "/v1/calls", RequestID: "8d1e2c"}, fields: 2},
	{name: "RFC 9457 example with extensions", file: "problem_rfc9457.json", status: 403,
		header: map[string]string{"Content-Type": "application/problem+json"},
		want: apierr.Error{Code: "", Title: "You do not have enough credit.", Message: "Your current balance is 30, but that costs 50.",
			Docs: "https://example.com/probs/out-of-credit", Instance: "/account/12345/msgs/abc"}},
	{name: "RFC 9457 errors with pointers", file: "problem_rfc9457_errors.json", status: 422,
		header: map[string]string{"Content-Type": "application/problem+json"},
		want:   apierr.Error{Message: "Your request is not valid.", Docs: "https://example.net/validation-error"}, fields: 2},
	{name: "seed 001 structured body", file: "seed001_structured.json", status: 402,
		want: apierr.Error{Code: "quota_exceeded", Message: "Plan limit reached: max inboxes (5).", RequestID: "a1b2c3d4-0000-4000-8000-000000000001"}},
	{name: "seed 001 validation in details.errors", file: "seed001_validation.json", status: 422,
		want: apierr.Error{Code: "validation_error", Message: "The request body failed validation."}, fields: 2},
	{name: "seed 001 FastAPI detail string", file: "seed001_fastapi_detail.json", status: 404,
		want: apierr.Error{Message: "Inbox not found", Condition: apierr.CondNotFound}},
	{name: "FastAPI detail list with loc", file: "fastapi_validation.json", status: 422,
		want: apierr.Error{Code: "missing", Message: "email: Field required"}, fields: 3},
	{name: "seed 002 error and message", file: "seed002.json", status: 409,
		want: apierr.Error{Code: "address_taken", Message: "This email address is already in use"}},
	{name: "seed 003 validation with field", file: "seed003_validation.json", status: 422,
		want: apierr.Error{Code: "INVALID_FORMAT", Message: "Validation failed",
			Detail: "Phone number must be in E.164 format (e.g., +1234567890)"}, fields: 1},
	{name: "seed 003 body retryAfter hint", file: "seed003_rate_limited.json", status: 429,
		want: apierr.Error{Code: "RATE_LIMIT_EXCEEDED", Retryable: true, RetryAfter: 45 * time.Second}},
	{name: "seed 004 error message detail", file: "seed004.json", status: 402,
		want: apierr.Error{Code: "INSUFFICIENT_CREDITS", Detail: "workspace ws_42 used 500 of 500 credits"}},
	{name: "stripe-like nested error with param", file: "stripe_resource_missing.json", status: 404,
		header: map[string]string{"Request-Id": "req_kBqvmvCHM2Z0CZ"},
		want: apierr.Error{Code: "resource_missing", Message: "No such customer: 'cus_NffrFeUfNV2Hib'",
			Docs: "https://stripe.com/docs/error-codes/resource-missing", RequestID: "req_kBqvmvCHM2Z0CZ"}, fields: 1},
	{name: "stripe-like card error", file: "stripe_card_declined.json", status: 402,
		want: apierr.Error{Code: "card_declined", Message: "Your card has insufficient funds."}},
	{name: "google rpc status with ErrorInfo and RetryInfo", file: "google_quota.json", status: 429,
		want: apierr.Error{Code: "RATE_LIMIT_EXCEEDED", Retryable: true, RetryAfter: 3 * time.Second,
			Docs: "https://cloud.google.com/docs/quota#requesting_higher_quota"}},
	{name: "google rpc BadRequest field violations", file: "google_bad_request.json", status: 400,
		want: apierr.Error{Code: "INVALID_ARGUMENT", Message: "Request contains an invalid argument.", RequestID: "7c0e6b1a-2d0b-4c7e-b6a3"}, fields: 2},
	{name: "google rpc status only", file: "google_status_only.json", status: 503,
		want: apierr.Error{Code: "UNAVAILABLE", Retryable: true}},
	{name: "microsoft error with target details innererror", file: "microsoft.json", status: 400,
		want: apierr.Error{Code: "BadArgument", Message: "Multiple errors in ContactInfo data"}, fields: 3},
	{name: "microsoft graph innerError request id", file: "microsoft_graph.json", status: 429,
		want: apierr.Error{Code: "TooManyRequests", RequestID: "94fb3b52-452a-4535-a601-69e0a90e3aa2", Retryable: true}},
	{name: "JSON:API errors with source pointers", file: "jsonapi.json", status: 422,
		want: apierr.Error{Code: "too_short", Message: "firstName: First name must contain at least two characters.",
			Title: "Invalid Attribute", Docs: "https://api.example.org/docs/errors/too-short"}, fields: 3},
	{name: "github-like message errors documentation_url", file: "github.json", status: 422,
		header: map[string]string{"X-GitHub-Request-Id": "CDE8:1F2A:9B3C:4D5E"},
		want: apierr.Error{Code: "missing_field", Message: "Validation Failed",
			Docs: "https://docs.github.com/rest/issues/issues#create-an-issue", RequestID: "CDE8:1F2A:9B3C:4D5E"}, fields: 2},
	{name: "github-like rate limit on 403 with reset", file: "github_rate_limit.json", status: 403,
		header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795604460", "Date": "Wed, 25 Nov 2026 11:00:00 GMT"},
		want:   apierr.Error{Retryable: true, RetryAfter: time.Minute, Docs: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}},
	{name: "bare field-keyed map", file: "fieldmap.json", status: 422,
		want: apierr.Error{Message: "email: is invalid"}, fields: 3},
	{name: "rails errors map", file: "rails.json", status: 422,
		want: apierr.Error{Message: "age: must be greater than or equal to 18"}, fields: 2},
	{name: "ASP.NET Core validation problem details", file: "aspnet_validation.json", status: 400,
		header: map[string]string{"Content-Type": "application/problem+json; charset=utf-8"},
		want: apierr.Error{Title: "One or more validation errors occurred.", Message: "One or more validation errors occurred.",
			RequestID: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}, fields: 2},
	{name: "laravel message and errors map", file: "laravel.json", status: 422,
		want: apierr.Error{Message: "The email field is required. (and 1 more error)"}, fields: 2},
	{name: "kubernetes status not found", file: "kubernetes_not_found.json", status: 404,
		want: apierr.Error{Code: "NotFound", Message: `pods "web-0" not found`}},
	{name: "kubernetes status retryAfterSeconds", file: "kubernetes_too_many.json", status: 429,
		want: apierr.Error{Code: "TooManyRequests", RetryAfter: 7 * time.Second, Retryable: true}},
	{name: "kubernetes status causes", file: "kubernetes_invalid.json", status: 422,
		want: apierr.Error{Code: "Invalid"}, fields: 1},
	{name: "aws json __type", file: "aws_json.json", status: 400,
		header: map[string]string{"X-Amzn-RequestId": "KAJSH1782HJKAS9", "Content-Type": "application/x-amz-json-1.0"},
		want:   apierr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Table: orders not found", RequestID: "KAJSH1782HJKAS9"}},
	{name: "aws throttling from x-amzn-ErrorType on a 400", file: "aws_throttling.json", status: 400,
		header: map[string]string{"X-Amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "X-Amzn-RequestId": "r-1"},
		want:   apierr.Error{Code: "ThrottlingException", Message: "Rate exceeded", Retryable: true}},
	{name: "s3 xml", file: "s3_no_such_key.xml", status: 404,
		header: map[string]string{"Content-Type": "application/xml", "X-Amz-Request-Id": "HEADER-ID"},
		want:   apierr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", RequestID: "4442587FB7D0A2F9"}},
	{name: "s3 xml slow down", file: "s3_slow_down.xml", status: 503,
		want: apierr.Error{Code: "SlowDown", Retryable: true, RequestID: "9XJ1K2"}},
	{name: "aws query xml", file: "aws_query.xml", status: 400,
		header: map[string]string{"Content-Type": "text/xml"},
		want:   apierr.Error{Code: "ValidationError", RequestID: "c6104cbe-af31-11e0-8154-cbc7ccf896c7"}},
	{name: "twilio-like numeric code and more_info", file: "twilio.json", status: 404,
		header: map[string]string{"Twilio-Request-Id": "RQ123"},
		want:   apierr.Error{Code: "20404", Docs: "https://www.twilio.com/docs/errors/20404", RequestID: "RQ123"}},
	{name: "paypal-like name, debug_id, details with issue, links", file: "paypal.json", status: 422,
		header: map[string]string{"Paypal-Debug-Id": "f0b2c4e6a8d1b"},
		want: apierr.Error{Code: "UNPROCESSABLE_ENTITY", RequestID: "f0b2c4e6a8d1b",
			Docs: "https://developer.paypal.com/api/rest/reference/orders/v2/errors/#CANNOT_BE_NEGATIVE"}, fields: 1},
	{name: "oauth error and error_description", file: "oauth.json", status: 400,
		want: apierr.Error{Code: "invalid_grant", Message: "The refresh token has expired."}},
	{name: "spring boot error is a title", file: "spring_boot.json", status: 500,
		want: apierr.Error{Code: "", Title: "Internal Server Error", Message: "Internal Server Error", Retryable: true}},
	{name: "unknown json shape falls back to status text", file: "unknown_shape.json", status: 418,
		want: apierr.Error{Message: "I'm a teapot"}},
	{name: "nginx html page", file: "nginx_502.html", status: 502,
		header: map[string]string{"Content-Type": "text/html", "CF-Ray": "8e1f2a3b4c5d6e7f-AMS"},
		want:   apierr.Error{Message: "502 Bad Gateway", Retryable: true, RequestID: "8e1f2a3b4c5d6e7f-AMS"}},
	{name: "cloudflare html page", file: "cloudflare_522.html", status: 522,
		want: apierr.Error{Message: "Connection timed out Error code 522", Title: "api.example.com | 522: Connection timed out"}},
	{name: "html without title or h1", file: "bare_body.html", status: 503,
		want: apierr.Error{Message: "We'll be back soon .", Retryable: true}},
	{name: "plain text with HTTP-date retry-after", file: "envoy_503.txt", status: 503,
		header: map[string]string{"Date": "Wed, 25 Nov 2026 11:00:00 GMT", "Retry-After": "Wed, 25 Nov 2026 11:01:30 GMT"},
		want: apierr.Error{Message: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
			RetryAfter: 90 * time.Second, Retryable: true, Condition: apierr.CondUnavailable}},
	{name: "plain text with blank lines and tabs", file: "plain_control.txt", status: 503,
		want: apierr.Error{Message: "Service Unavailable"}},
	{name: "control bytes are removed", file: "control_bytes.txt", status: 400,
		want: apierr.Error{Message: "bad [31mred[0m text"}},
}

func serveBody(t testing.TB, status int, header map[string]string, body []byte) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	for k, v := range header {
		rec.Header().Set(k, v)
	}
	rec.WriteHeader(status)
	rec.Write(body)
	return rec.Result()
}

func TestDecodeGolden(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "decode", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			err = Decode(serveBody(t, tc.status, tc.header, body))
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("Decode = %v, want a *ResponseError", err)
			}
			var got *apierr.Error
			if !errors.As(err, &got) {
				t.Fatalf("errors.As(*apierr.Error) failed on %v", err)
			}
			if got.Status != tc.status || re.StatusCode != tc.status {
				t.Errorf("status = %d/%d, want %d", got.Status, re.StatusCode, tc.status)
			}
			if !bytes.Equal(re.Body, body) {
				t.Errorf("raw body not kept")
			}
			checkError(t, got, &tc.want)
			if len(got.Fields) != tc.fields {
				t.Errorf("fields = %+v, want %d", got.Fields, tc.fields)
			}
			if got.Message == "" {
				t.Errorf("empty message")
			}
			if RetryableStatus(tc.status) && !got.Retryable {
				t.Errorf("status %d not retryable", tc.status)
			}
			compareGolden(t, filepath.Join("testdata", "decode", tc.file+".want"), got)
		})
	}
}

func checkError(t *testing.T, got, want *apierr.Error) {
	t.Helper()
	check := func(name, g, w string) {
		if w != "" && g != w {
			t.Errorf("%s = %q, want %q", name, g, w)
		}
	}
	check("Code", got.Code, want.Code)
	check("Message", got.Message, want.Message)
	check("Title", got.Title, want.Title)
	check("Detail", got.Detail, want.Detail)
	check("Action", got.Action, want.Action)
	check("Docs", got.Docs, want.Docs)
	check("RequestID", got.RequestID, want.RequestID)
	check("Instance", got.Instance, want.Instance)
	check("Condition", string(got.Condition), string(want.Condition))
	if want.Retryable && !got.Retryable {
		t.Errorf("Retryable = false, want true")
	}
	if want.RetryAfter != 0 && got.RetryAfter != want.RetryAfter {
		t.Errorf("RetryAfter = %v, want %v", got.RetryAfter, want.RetryAfter)
	}
}

// goldenError is the golden form of a decoded error.
type goldenError struct {
	Code       string              `json:"code,omitempty"`
	Condition  apierr.Condition    `json:"condition,omitempty"`
	Status     int                 `json:"status"`
	Title      string              `json:"title,omitempty"`
	Message    string              `json:"message"`
	Detail     string              `json:"detail,omitempty"`
	Action     string              `json:"action,omitempty"`
	Docs       string              `json:"docs,omitempty"`
	Retryable  bool                `json:"retryable"`
	RetryAfter string              `json:"retry_after,omitempty"`
	RequestID  string              `json:"request_id,omitempty"`
	Instance   string              `json:"instance,omitempty"`
	Fields     []apierr.FieldError `json:"fields,omitempty"`
	Context    map[string]any      `json:"context,omitempty"`
}

func compareGolden(t *testing.T, path string, e *apierr.Error) {
	t.Helper()
	g := goldenError{Code: e.Code, Condition: e.Condition, Status: e.Status, Title: e.Title,
		Message: e.Message, Detail: e.Detail, Action: e.Action, Docs: e.Docs, Retryable: e.Retryable,
		RequestID: e.RequestID, Instance: e.Instance, Fields: e.Fields, Context: e.Context}
	if e.RetryAfter > 0 {
		g.RetryAfter = e.RetryAfter.String()
	}
	got, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("decoded error differs from %s:\n got: %s\nwant: %s", path, got, want)
	}
}

func TestDecodeSuccessIsNil(t *testing.T) {
	for _, status := range []int{200, 201, 204, 299} {
		resp := serveBody(t, status, nil, []byte(`{"error":"x"}`))
		if err := Decode(resp); err != nil {
			t.Errorf("Decode(%d) = %v, want nil", status, err)
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != `{"error":"x"}` && status != 204 {
			t.Errorf("Decode(%d) consumed the body of a success", status)
		}
	}
}

func TestDecodeEmptyBodies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		want   string
		retry  bool
	}{
		{"gateway timeout", 504, "Gateway Timeout", true},
		{"unauthorized", 401, "Unauthorized", false},
		{"unknown status", 599, "HTTP 599", false},
		{"redirect", 302, "Found", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e *apierr.Error
			if !errors.As(Decode(serveBody(t, tc.status, nil, nil)), &e) {
				t.Fatal("no *apierr.Error")
			}
			if e.Message != tc.want || e.Retryable != tc.retry || e.Status != tc.status {
				t.Errorf("got %q retryable=%v status=%d", e.Message, e.Retryable, e.Status)
			}
		})
	}
	var e *apierr.Error
	if !errors.As(Decode(nil), &e) {
		t.Fatal("Decode(nil) is not an *apierr.Error")
	}
}

// endlessReader is a body that never ends.
type endlessReader struct{ n int64 }

func (r *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestDecodeBoundsHugeBody(t *testing.T) {
	r := &endlessReader{}
	closed := false
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, ContentLength: -1,
		Body: readCloser{r, func() { closed = true }}}
	var re *ResponseError
	if !errors.As(Decode(resp), &re) {
		t.Fatal("not a ResponseError")
	}
	if len(re.Body) != DefaultMaxBody || !re.Truncated {
		t.Errorf("body = %d bytes truncated=%v, want %d truncated", len(re.Body), re.Truncated, DefaultMaxBody)
	}
	if max := int64(DefaultMaxBody + DefaultMaxDrain + 64<<10); r.n > max {
		t.Errorf("read %d bytes of an endless body, want at most %d", r.n, max)
	}
	if !closed {
		t.Error("body not closed")
	}
	if !strings.HasPrefix(re.API.Message, "aaaa") || len(re.API.Message) > maxMessage+3 {
		t.Errorf("message = %q", re.API.Message)
	}
}

func TestDecodeTruncatedJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body, code, msg string
	}{
		{"cut inside the message", `{"error":"too_big","message":"` + strings.Repeat("x", 100) + `"}`, "too_big", "Internal Server Error"},
		{"cut after a nested error", `{"error":{"code":"E1","message":"Boom","details":[{"a":1},{"b":` + strings.Repeat(" ", 100), "E1", "Boom"},
		{"cut inside context", `{"error":"validation_failed","message":"Bad.","context":{"errors":{"to":["x"` + strings.Repeat(",\"y\"", 50), "validation_failed", "Bad."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Decoder{MaxBody: 60}
			var re *ResponseError
			if !errors.As(d.Decode(serveBody(t, 500, nil, []byte(tc.body))), &re) {
				t.Fatal("not a ResponseError")
			}
			if !re.Truncated || len(re.Body) != 60 {
				t.Errorf("truncated=%v len=%d", re.Truncated, len(re.Body))
			}
			if re.API.Code != tc.code || re.API.Message != tc.msg {
				t.Errorf("got %q %q, want %q %q", re.API.Code, re.API.Message, tc.code, tc.msg)
			}
		})
	}
}

type readCloser struct {
	io.Reader
	close func()
}

func (r readCloser) Close() error { r.close(); return nil }

func TestDecodeIsConditions(t *testing.T) {
	err := Decode(serveBody(t, 429, nil, []byte(`{"error":"slow_down"}`)))
	if !errors.Is(err, apierr.Cond(apierr.CondRateLimited)) {
		t.Errorf("errors.Is(rate limited) false for %v", err)
	}
	if !errors.Is(err, apierr.New("slow_down")) {
		t.Errorf("errors.Is(code) false for %v", err)
	}
	if got := err.Error(); got != "client: 429 slow_down: Too Many Requests" {
		t.Errorf("Error() = %q", got)
	}
}

func TestDecodeMislabelledBodies(t *testing.T) {
	for _, tc := range []struct {
		name, ct, body, code, msg string
	}{
		{"HTML page labelled JSON", "application/json", "<html><title>502 Bad Gateway</title></html>", "", "502 Bad Gateway"},
		{"JSON labelled HTML", "text/html", `{"error":"oops","message":"Broken."}`, "oops", "Broken."},
		{"JSON labelled text", "text/plain; charset=utf-8", `{"error":"oops","message":"Broken."}`, "oops", "Broken."},
		{"XML labelled JSON", "application/json", "<Error><Code>SlowDown</Code><Message>Easy.</Message></Error>", "SlowDown", "Easy."},
		{"JSON after a byte order mark", "application/json", "\xef\xbb\xbf{\"error\":\"oops\",\"message\":\"Broken.\"}", "oops", "Broken."},
		{"text labelled JSON", "application/json", "Internal error\nstack trace", "", "Internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e *apierr.Error
			if !errors.As(Decode(serveBody(t, 502, map[string]string{"Content-Type": tc.ct}, []byte(tc.body))), &e) {
				t.Fatal("no *apierr.Error")
			}
			if e.Code != tc.code || e.Message != tc.msg {
				t.Errorf("got %q %q, want %q %q", e.Code, e.Message, tc.code, tc.msg)
			}
		})
	}
}

func TestDecodeUnknownMapsAreNotFields(t *testing.T) {
	for _, body := range []string{`{"status":"down","reason":"maintenance"}`, `{"a":[1,2]}`, `{"a":[]}`, `{}`} {
		var e *apierr.Error
		if !errors.As(Decode(serveBody(t, 503, nil, []byte(body))), &e) {
			t.Fatal("no *apierr.Error")
		}
		if len(e.Fields) != 0 || e.Message != "Service Unavailable" {
			t.Errorf("%s: fields %+v message %q", body, e.Fields, e.Message)
		}
	}
}
