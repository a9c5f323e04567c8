package idempotency

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"net/http"
	"slices"

	"github.com/apierr/apierr"
)

// preallocBytes is the most readBody allocates before the bytes arrive.
const preallocBytes = 32 << 10

// readBody reads the request body up to MaxBodyBytes, hashing it as it
// arrives, and puts it back for the handler: the bytes read are the only
// copy of the body (bind.JSON decodes them in place, see heldBody).
// It returns the body's SHA-256.
//
// Memory follows the bytes that arrive, not a declared length: a client
// declaring 1 MiB and sending a trickle costs little. The buffer doubles
// as it fills, ending at exactly Content-Length when one is declared.
func (m *middleware) readBody(r *http.Request) (sum [sha256.Size]byte, _ error) {
	if r.Body == nil || r.Body == http.NoBody {
		return sha256.Sum256(nil), nil
	}
	limit := m.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		// Refused before a byte is read (a client that sent Expect:
		// 100-continue never uploads it).
		return sum, m.cfg.TooLarge(r, limit)
	}
	want := r.ContentLength // -1: unknown, read to EOF
	first := int64(preallocBytes)
	if want >= 0 {
		first = min(want, preallocBytes)
	}
	b := make([]byte, 0, first)
	// The hash starts once the body outgrows its first buffer; a small
	// body is hashed at the end in one call that allocates nothing.
	var h hash.Hash
	var err error
	for want < 0 || int64(len(b)) < want {
		if len(b) == cap(b) {
			if h == nil {
				h = sha256.New()
				h.Write(b)
			}
			more := int64(cap(b)) // double
			if want >= 0 {
				more = min(more, want-int64(len(b)))
			} else {
				more = min(more, limit+1-int64(len(b)))
			}
			b = slices.Grow(b, int(more))
		}
		end := cap(b)
		if want >= 0 {
			end = int(min(int64(end), want))
		}
		var n int
		n, err = r.Body.Read(b[len(b):end])
		if h != nil {
			h.Write(b[len(b) : len(b)+n])
		}
		b = b[:len(b)+n]
		if want < 0 && int64(len(b)) > limit {
			_ = r.Body.Close()
			return sum, m.cfg.TooLarge(r, limit)
		}
		if err != nil {
			break
		}
	}
	switch {
	case err == io.EOF && (want < 0 || int64(len(b)) == want):
		err = nil
	case err == io.EOF:
		err = io.ErrUnexpectedEOF
	case err == nil && want >= 0:
		var one [1]byte
		if n, _ := r.Body.Read(one[:]); n > 0 {
			err = errors.New("idempotency: body longer than its Content-Length")
		}
	}
	_ = r.Body.Close()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return sum, m.cfg.TooLarge(r, mbe.Limit)
		}
		var ae *apierr.Error
		if errors.As(err, &ae) {
			return sum, ae // the body guard's request_timeout
		}
		return sum, apierr.Cond(apierr.CondMalformedBody).With("reason", "unreadable_body").WithCause(err)
	}
	if h == nil {
		sum = sha256.Sum256(b)
	} else {
		h.Sum(sum[:0])
	}
	hb := new(heldBody)
	hb.b = b
	r.Body = hb
	return sum, nil
}

// heldBody is the request body the middleware read, given back to the
// handler from memory. TakeBytes hands its unread bytes over without a copy
// and leaves it empty: bind.JSON decodes them in place, so a large
// body is held once, and freed as soon as the handler is done with it.
type heldBody struct {
	b   []byte
	off int
}

func (hb *heldBody) Read(p []byte) (int, error) {
	if hb.off >= len(hb.b) {
		return 0, io.EOF
	}
	n := copy(p, hb.b[hb.off:])
	hb.off += n
	return n, nil
}

// WriteTo lets io.Copy write the body out in one call.
func (hb *heldBody) WriteTo(w io.Writer) (int64, error) {
	if hb.off >= len(hb.b) {
		return 0, nil
	}
	n, err := w.Write(hb.b[hb.off:])
	hb.off += n
	return int64(n), err
}

// TakeBytes returns the unread bytes and empties the body; the caller owns
// them.
func (hb *heldBody) TakeBytes() []byte {
	b := hb.b[hb.off:]
	hb.b, hb.off = nil, 0
	return b
}

func (*heldBody) Close() error { return nil }

// TooLargeFunc returns the error for a keyed request whose body is over
// limit bytes; nothing has run yet, and no key is taken.
type TooLargeFunc func(r *http.Request, limit int64) error

// DefaultTooLarge is the payload_too_large condition with context
// limit_bytes.
func DefaultTooLarge(r *http.Request, limit int64) error {
	return apierr.Cond(apierr.CondPayloadTooLarge).With("limit_bytes", limit)
}
