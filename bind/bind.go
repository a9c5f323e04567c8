package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/internal/adapt"
)

// Defaults of a Binder.
const (
	// DefaultMaxBytes is the largest body a Binder reads unless told otherwise.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxDepth is how deeply a Binder lets objects and arrays nest.
	DefaultMaxDepth = 32
)

// Option adjusts one call of JSON.
type Option func(*options)

type options struct {
	disallowUnknown bool
	maxBytes        int64
	maxDepth        int
}

// DisallowUnknownFields makes a member that matches no field of the target a
// malformed body (context "field").
func DisallowUnknownFields() Option { return disallowUnknown }

func disallowUnknown(c *options) { c.disallowUnknown = true }

// MaxBytes sets the largest body read (default: the Binder's, DefaultMaxBytes
// unless Config.MaxBytes says otherwise). A limit set by
// middleware.BodyLimit or http.MaxBytesReader applies as well.
func MaxBytes(n int64) Option { return func(c *options) { c.maxBytes = n } }

// MaxDepth sets how deeply objects and arrays may nest (default: the
// Binder's, DefaultMaxDepth unless Config.MaxDepth says otherwise).
func MaxDepth(n int) Option { return func(c *options) { c.maxDepth = n } }

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// Conditions returns the conditions JSON may answer with, for a handler that
// binds its body to declare them to apierr.Routes:
//
//	routes.Handle("POST /fax", apierr.Declare(apierr.HandlerFunc(create), bind.Conditions()...))
//
// A catalog that binds a validation rule to a code of its own (rules:)
// answers with that code too; declare it under the operation.
func Conditions() []apierr.Condition {
	return []apierr.Condition{apierr.CondMalformedBody, apierr.CondPayloadTooLarge, apierr.CondValidationFailed, apierr.CondRequestTimeout}
}

// JSON decodes the JSON body of r into v and validates v with the default
// Binder (rules "e164" and "uuid" beside go-playground/validator's own). See
// Binder.JSON.
func JSON(r *http.Request, v any, opts ...Option) error {
	return defaultBinder().JSON(r, v, opts...)
}

// JSON decodes the JSON body of r into v and validates v. It returns nil or
// an *apierr.Error:
//
//   - CondPayloadTooLarge (context limit_bytes) for a body over the limit;
//   - CondRequestTimeout (408) for a body that arrived too slowly, when a
//     middleware.BodyLimit or MinBodyRate guards it (JSON has no
//     ResponseWriter to set a read deadline with);
//   - CondMalformedBody for an empty body, invalid UTF-8, nesting deeper
//     than the limit, a syntax error (context line, column), a value of the
//     wrong type (context field, expected), an unknown field (with
//     DisallowUnknownFields; context field) or data after the JSON value;
//   - CondValidationFailed with every violation in Fields, named by JSON
//     path (participant.number, items[2].sku) and rule, so a catalog can bind
//     a rule to its own code.
//
// The error's Detail (malformed) or Message (validation) says what is wrong
// in plain English.
func (b *Binder) JSON(r *http.Request, v any, opts ...Option) error {
	cfg := b.defaults
	for _, o := range opts {
		o(&cfg)
	}
	if r.ContentLength > cfg.maxBytes {
		return apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", cfg.maxBytes)
	}
	var body []byte
	var err error
	if held, ok := r.Body.(heldBody); ok {
		// Already in memory (the idempotency middleware read it to
		// fingerprint it): decoded in place, not copied again.
		if body = held.TakeBytes(); int64(len(body)) > cfg.maxBytes {
			err = errBodyTooLarge
		}
	} else {
		bp := bodyPool.Get().(*[]byte)
		body, err = readBody(r.Body, (*bp)[:0], cfg.maxBytes)
		defer func() {
			if cap(body) <= 256<<10 {
				*bp = body[:0]
				bodyPool.Put(bp)
			}
		}()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", mbe.Limit).WithCause(err)
		case err == errBodyTooLarge:
			return apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", cfg.maxBytes)
		}
		var ae *apierr.Error
		if errors.As(err, &ae) {
			return ae // the body guard's request_timeout (BodyLimit, MinBodyRate)
		}
		return malformed("The request body could not be read.").WithCause(err)
	}
	if e := preflight(body, cfg.maxDepth); e != nil {
		return e
	}
	if cfg.disallowUnknown {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil {
			if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
				return trailing(body, len(body)-len(rest))
			}
		}
	} else {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		return decodeError(body, err)
	}
	return b.check(v, apierr.CatalogFor(r))
}

var errBodyTooLarge = errors.New("bind: body too large")

// heldBody is a request body already held in memory that hands its unread
// bytes over without a copy, leaving itself empty (the idempotency
// middleware's: it read the body to fingerprint it).
type heldBody interface{ TakeBytes() []byte }

// readBody reads all of body into buf, failing once more than max bytes came.
func readBody(body io.Reader, buf []byte, max int64) ([]byte, error) {
	if body == nil || body == http.NoBody {
		return buf, nil
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return buf, errBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func malformed(detail string) *apierr.Error {
	return apierr.Cond(apierr.CondMalformedBody).WithDetail(detail)
}

// preflight rejects what encoding/json would accept silently or slowly: an
// empty body, invalid UTF-8 (json replaces it with U+FFFD) and deep nesting.
func preflight(body []byte, maxDepth int) *apierr.Error {
	depth, maxSeen, inString, escaped, empty := 0, 0, false, false, true
	for i, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxSeen {
				maxSeen = depth
				if depth > maxDepth {
					line, col := position(body, i)
					return malformed("The JSON body is nested more than "+strconv.Itoa(maxDepth)+" levels deep.").
						With("line", line).With("column", col).With("max_depth", maxDepth)
				}
			}
		case '}', ']':
			depth--
		}
		empty = false
	}
	if empty {
		return malformed("The request body is empty; send a JSON document.")
	}
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		line, col := position(body, i)
		return malformed("The request body is not valid UTF-8 (line "+strconv.Itoa(line)+", column "+strconv.Itoa(col)+").").
			With("line", line).With("column", col)
	}
	return nil
}

// position returns the 1-based line and column (in characters) of byte i.
func position(body []byte, i int) (line, col int) {
	if i > len(body) {
		i = len(body)
	}
	before := body[:i]
	line = 1 + bytes.Count(before, []byte{'\n'})
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

func trailing(body []byte, at int) *apierr.Error {
	line, col := position(body, at)
	return malformed("The request body has data after the JSON value (line "+strconv.Itoa(line)+", column "+strconv.Itoa(col)+"); send a single JSON document.").
		With("line", line).With("column", col)
}

// decodeError turns an encoding/json error into a malformed body error.
func decodeError(body []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		at := int(syn.Offset) - 1
		if at < 0 {
			at = 0
		}
		if strings.Contains(syn.Error(), "after top-level value") {
			return trailing(body, at)
		}
		line, col := position(body, at)
		msg := syn.Error()
		if strings.HasPrefix(msg, "unexpected end of JSON input") {
			msg = "the document ends too early"
		}
		return malformed("The request body is not valid JSON: "+msg+" (line "+strconv.Itoa(line)+", column "+strconv.Itoa(col)+").").
			With("line", line).With("column", col)
	case errors.As(err, &typ):
		field := pathAt(body, int(typ.Offset))
		if field == "" {
			field = typ.Field
		}
		expected := adapt.JSONType(typ.Type)
		got := typ.Value
		var detail string
		if strings.HasPrefix(got, "number ") {
			detail = "is out of range for " + adapt.Article(expected)
			got = "number"
		} else {
			detail = "must be " + adapt.Article(expected) + ", not " + adapt.Article(got)
		}
		name := field
		if name == "" {
			name = "The body"
		}
		e := malformed(name+" "+detail+".").With("expected", expected)
		if field != "" {
			e.With("field", field)
		}
		line, col := position(body, int(typ.Offset))
		return e.With("line", line).With("column", col)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if len(name) > 64 || !utf8.ValidString(name) {
			name = ""
		}
		e := malformed("The request body has a field this endpoint does not accept.")
		if name != "" {
			e.WithDetail("The request body has an unknown field: "+name+".").With("field", name)
		}
		return e
	}
	var inv *json.InvalidUnmarshalError
	if errors.As(err, &inv) {
		return apierr.Internal(err) // a programming error: Bind needs a non-nil pointer
	}
	return malformed("The request body could not be decoded.").WithCause(err)
}

// pathAt returns the JSON path (participant.number, items[2].sku) of the
// value that ends at byte offset end, by scanning the document up to it.
func pathAt(body []byte, end int) string {
	if end > len(body) {
		end = len(body)
	}
	type frame struct {
		obj  bool
		key  string
		idx  int
		want bool // object expects a key next
	}
	var stack []frame
	for i := 0; i < end; i++ {
		c := body[i]
		switch c {
		case '{':
			stack = append(stack, frame{obj: true, want: true})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 {
				if stack[n-1].obj {
					stack[n-1].want = true
				} else {
					stack[n-1].idx++
				}
			}
		case '"':
			j := i + 1
			for j < len(body) && body[j] != '"' {
				if body[j] == '\\' {
					j++
				}
				j++
			}
			if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].want {
				raw := body[i:min(j+1, len(body))]
				key := string(raw[1 : len(raw)-1])
				if bytes.IndexByte(raw, '\\') >= 0 {
					_ = json.Unmarshal(raw, &key)
				}
				stack[n-1].key = key
				stack[n-1].want = false
			}
			i = j
		}
	}
	if end > 0 && (body[end-1] == '{' || body[end-1] == '[') && len(stack) > 0 {
		stack = stack[:len(stack)-1] // the offending value is the container just opened
	}
	var b strings.Builder
	for _, f := range stack {
		if f.obj {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		} else {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.idx))
			b.WriteByte(']')
		}
	}
	return b.String()
}
