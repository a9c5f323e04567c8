package client

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/apierr/apierr"
)

// Default bounds for reading an error body.
const (
	// DefaultMaxBody is how much of an error body Decode keeps and parses.
	DefaultMaxBody = 64 << 10
	// DefaultMaxDrain is how much more Decode reads and discards so the
	// connection can be reused; a longer body is closed unread.
	DefaultMaxDrain = 256 << 10
)

// Decoder turns error responses into errors. Its zero value is ready to use
// and is what Decode uses; a Decoder is safe for concurrent use.
type Decoder struct {
	// MaxBody is how many bytes of the body are kept and parsed; 0 means
	// DefaultMaxBody. A longer body is parsed as far as it goes (a cut JSON
	// document falls back to a text snippet) and ResponseError.Truncated is set.
	MaxBody int64
	// MaxDrain is how many more bytes are read and discarded after MaxBody
	// before the body is closed; 0 means DefaultMaxDrain, negative means none.
	MaxDrain int64
	// Now gives the current time for an HTTP-date Retry-After when the
	// response has no Date header; nil means time.Now.
	Now func() time.Time
}

// ResponseError is the error Decode returns for a non-2xx response: the
// decoded *apierr.Error plus what only the raw response has. errors.As(err,
// &apiErr) with apiErr an *apierr.Error finds API.
type ResponseError struct {
	// API is the decoded error. API.Status is the HTTP status.
	API *apierr.Error
	// StatusCode is the HTTP status code.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// Body is the raw body, at most Decoder.MaxBody bytes.
	Body []byte
	// Truncated says the body was longer than Body.
	Truncated bool
	// Language is the language the API says its words are in: the first tag
	// of the Content-Language header in conventional case ("de", "fr-CA"),
	// or "" when the header is absent or malformed. An API that localizes
	// its errors (an apierr catalog with translations answers Accept-Language
	// this way) sends it with the translated title, message and detail, so a
	// client can tell the text it shows apart from the code it matches on,
	// which never changes with the language.
	Language string
}

// Error reads like "client: 429 rate_limit_exceeded: Rate limit exceeded [request_id=…]".
func (e *ResponseError) Error() string {
	a := e.API
	b := make([]byte, 0, 64+len(a.Message))
	b = append(b, "client: "...)
	b = strconv.AppendInt(b, int64(e.StatusCode), 10)
	if a.Code != "" {
		b = append(b, ' ')
		b = append(b, a.Code...)
	}
	if a.Message != "" {
		b = append(b, ": "...)
		b = append(b, a.Message...)
	}
	if a.RequestID != "" {
		b = append(b, " [request_id="...)
		b = append(b, a.RequestID...)
		b = append(b, ']')
	}
	return string(b)
}

// Unwrap returns the decoded *apierr.Error.
func (e *ResponseError) Unwrap() error { return e.API }

var defaultDecoder Decoder

var utf8BOM = []byte("\xef\xbb\xbf")

// Decode returns nil for a 2xx response (leaving its body alone) and
// otherwise reads, bounds and closes the body and returns a *ResponseError
// wrapping the decoded *apierr.Error, whatever the body's shape. It never
// panics; an unknown or empty body still yields the status, a message (a
// sanitized snippet or the status text) and retryability.
//
// The decoded error has: Status (the HTTP status); Code (the API's code:
// "error", "code", "errcode", Google's ErrorInfo.reason or status,
// Kubernetes' reason, AWS's __type or x-amzn-ErrorType, S3's <Code>, a
// problem type URI's last segment, a "reason" or "type" that is an
// identifier, a list item's code, a numeric code as digits; with about:blank
// the status's name, "not_found"); Message, Title, Detail, Action, Docs
// (docs, doc_url, documentation_url, more_info, error_uri, an RFC 9457 type
// URL, JSON:API links.about, HAL _links, Google's Help); RequestID (from the
// body, else RequestIDHeaders); RetryAfter (the Retry-After header,
// delta-seconds or an HTTP-date measured against the response's Date, wins
// over a body hint: retryAfter, retry_after, retry_after_ms,
// RetryInfo.retryDelay, retryAfterSeconds; then a spent rate limit's reset
// from ParseRateLimit, which also makes the error retryable); Fields (every
// field-level error found); Retryable (RetryableStatus, a throttling code
// such as AWS's ThrottlingException, or the body says so); Condition (for
// the statuses that name one, so errors.Is(err, apierr.Cond(...)) works);
// and Context (the rest worth keeping, as encoding/json decodes it: numbers
// are float64). Members are matched through a table of aliases and
// wrappers with its precedence written in it (decode_json_table.go).
// Strings are sanitized: no control characters, bounded length. The
// *ResponseError also keeps the language the response says its words are in
// (Language, from Content-Language), whatever the body's shape.
func Decode(resp *http.Response) error { return defaultDecoder.Decode(resp) }

// Decode is the package-level Decode with d's bounds and clock.
func (d *Decoder) Decode(resp *http.Response) error {
	if resp == nil {
		return &ResponseError{API: &apierr.Error{Condition: apierr.CondInternal,
			Message: "client: nil response"}}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	body, truncated := d.readBody(resp)
	return d.DecodeBody(resp.StatusCode, resp.Header, body, truncated)
}

// DecodeBody decodes an error from a status, header and body already read. It
// is Decode for callers (and the Transport) that hold the bytes.
func (d *Decoder) DecodeBody(status int, h http.Header, body []byte, truncated bool) *ResponseError {
	e := &apierr.Error{Status: status}
	ct := h.Get("Content-Type")
	b := bytes.TrimPrefix(body, utf8BOM) // some Windows stacks send one; encoding/json rejects it
	weak := decodeShape(e, sniff(ct, b), b)
	d.finish(e, h, weak)
	return &ResponseError{API: e, StatusCode: status, Header: h, Body: body, Truncated: truncated,
		Language: contentLanguage(h)}
}

// readBody reads at most MaxBody bytes, drains at most MaxDrain more, and
// closes the body.
func (d *Decoder) readBody(resp *http.Response) ([]byte, bool) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, false
	}
	defer resp.Body.Close()
	limit := d.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	buf := readAtMost(resp.Body, limit, resp.ContentLength)
	if int64(len(buf)) <= limit {
		return buf, false
	}
	drain := d.MaxDrain
	if drain == 0 {
		drain = DefaultMaxDrain
	}
	if drain > 0 {
		_, _ = io.CopyN(io.Discard, resp.Body, drain)
	}
	return buf[:limit], true
}

// finish fills what every shape shares: request ID and retry-after from the
// headers, the AWS error type header (which beats a weak code guessed from
// the body), a message, a condition and retryability.
func (d *Decoder) finish(e *apierr.Error, h http.Header, weak string) {
	if e.Code == "" {
		if t := h.Get("X-Amzn-Errortype"); t != "" {
			e.Code = sanitize(awsErrorType(t), maxMessage)
		}
	}
	if e.Code == "" {
		e.Code = weak
	}
	if e.RequestID == "" {
		e.RequestID = requestIDFromHeader(h)
	}
	if v := h.Get("Retry-After"); v != "" {
		if ra, ok := ParseRetryAfter(v, d.serverNow(h)); ok {
			e.RetryAfter = ra
		}
	}
	if e.RetryAfter == 0 {
		if d2, ok := rateLimitWait(h, func() time.Time { return d.serverNow(h) }); ok {
			// A spent rate limit (GitHub sends it with a 403) is worth a retry
			// once it resets.
			e.RetryAfter, e.Retryable = d2, true
		}
	}
	if e.Message == "" {
		switch {
		case e.Detail != "":
			e.Message = e.Detail
		case e.Title != "":
			e.Message = e.Title
		case len(e.Fields) > 0:
			f := e.Fields[0]
			e.Message = f.Field + ": " + f.Message
		case statusText(e.Status) != "":
			e.Message = statusText(e.Status)
		default:
			e.Message = "HTTP " + strconv.Itoa(e.Status)
		}
	}
	if m := apierr.MeaningOf(e.Status); e.Condition == "" && m.Sure {
		e.Condition = m.Condition // errors.Is(err, apierr.Cond(apierr.CondRateLimited)) works on any API
	}
	if RetryableStatus(e.Status) || throttlingCodes[e.Code] {
		e.Retryable = true
	}
}

// serverNow is the response's Date, else the decoder's clock.
func (d *Decoder) serverNow(h http.Header) time.Time {
	if v := h.Get("Date"); v != "" {
		if t, err := http.ParseTime(v); err == nil {
			return t
		}
	}
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// readAtMost reads up to limit+1 bytes (one more than kept, to detect a longer
// body). hint is the Content-Length, or -1; a read error ends the body.
func readAtMost(r io.Reader, limit, hint int64) []byte {
	size := int64(512)
	if hint >= 0 {
		size = min(hint, limit) + 1
	}
	buf := make([]byte, 0, size)
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	return buf
}

// decodeShape fills e from body parsed as k. A body that is not what its
// Content-Type claims (JSON sent as text/html, a proxy's HTML page labelled
// application/json) is parsed as what its bytes say.
func decodeShape(e *apierr.Error, k kind, body []byte) (weak string) {
	if k != kindJSON && sniff("", body) == kindJSON {
		if weak, ok := fromJSON(e, body); ok {
			return weak
		}
	}
	switch k {
	case kindJSON:
		if weak, ok := fromJSON(e, body); ok {
			return weak
		}
		if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
			if weak, ok := fromJSONPrefix(e, body); ok {
				return weak
			}
		}
		if k2 := sniff("", body); k2 != kindJSON {
			return decodeShape(e, k2, body)
		}
		fromText(e, body)
	case kindXML:
		if !fromXML(e, body) {
			fromHTML(e, body)
		}
	case kindHTML:
		fromHTML(e, body)
	default:
		fromText(e, body)
	}
	return ""
}
