package idempotency

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
)

// Status is where a key stands in its life: new (no record), in flight
// (a lease is held), completed (a response is stored).
type Status uint8

// The statuses a stored record can have.
const (
	// InFlight means a request holds the key's lease and is running.
	InFlight Status = 1
	// Completed means the key's response is stored for replay.
	Completed Status = 2
)

// Token identifies the owner of a lease. Each request that takes a lease
// draws a fresh random token, so a worker whose lease expired and was taken
// by another can never complete or release the newer owner's record.
type Token [16]byte

// NewToken returns a random token.
func NewToken() Token {
	var t Token
	_, _ = rand.Read(t[:]) // crypto/rand.Read never fails on supported platforms
	return t
}

// String returns the token in hex, for logs.
func (t Token) String() string { return hex.EncodeToString(t[:]) }

// Fingerprint is the SHA-256 digest of what makes a request the same
// request: method, route, path and query, selected headers, and body.
type Fingerprint [32]byte

// Record is what a Store keeps under one key.
//
// A Record returned by a Store is shared and must be treated as read-only.
type Record struct {
	// Status is InFlight or Completed.
	Status Status
	// Token is the owner of the lease, or of the lease that completed it.
	Token Token
	// Fingerprint identifies the request that took the key.
	Fingerprint Fingerprint
	// Code is the stored response's HTTP status (Completed only).
	Code int
	// Header holds the stored response headers (Completed only).
	Header http.Header
	// Body is the stored response body, byte for byte (Completed only).
	Body []byte
	// ErrorCode is the catalog code of a stored error response (e.g.
	// "insufficient_balance"), so a replay is logged with it; "" otherwise.
	ErrorCode string
}

// The binary layout, fixed so a Redis script can check the owner without
// decoding the rest:
//
//	[0]      format version (1)
//	[1]      status
//	[2:18]   token
//	[18:50]  fingerprint
//	then, when completed: uvarint code, uvarint length and error code,
//	uvarint header count, per header
//	uvarint name length, name, uvarint value count, per value uvarint
//	length and value; the rest is the body.
const (
	recordVersion    = 1
	recordHeaderSize = 50
	// TokenOffset is the byte offset of the token in an encoded Record, for
	// stores that compare owners without decoding (e.g. a Lua script: it
	// is string.sub(v, TokenOffset+1, TokenOffset+16)).
	TokenOffset = 2
	// StatusOffset is the byte offset of the status in an encoded Record.
	StatusOffset = 1
)

var errBadRecord = errors.New("idempotency: malformed stored record")

// AppendBinary appends the record's encoding to dst; UnmarshalBinary reads it
// back. Stores that keep bytes (Redis) use it.
func (r *Record) AppendBinary(dst []byte) ([]byte, error) {
	dst = append(dst, recordVersion, byte(r.Status))
	dst = append(dst, r.Token[:]...)
	dst = append(dst, r.Fingerprint[:]...)
	if r.Status != Completed {
		return dst, nil
	}
	dst = binary.AppendUvarint(dst, uint64(r.Code))
	dst = binary.AppendUvarint(dst, uint64(len(r.ErrorCode)))
	dst = append(dst, r.ErrorCode...)
	dst = binary.AppendUvarint(dst, uint64(len(r.Header)))
	for k, vs := range r.Header {
		dst = binary.AppendUvarint(dst, uint64(len(k)))
		dst = append(dst, k...)
		dst = binary.AppendUvarint(dst, uint64(len(vs)))
		for _, v := range vs {
			dst = binary.AppendUvarint(dst, uint64(len(v)))
			dst = append(dst, v...)
		}
	}
	return append(dst, r.Body...), nil
}

// MarshalBinary returns the record's encoding.
func (r *Record) MarshalBinary() ([]byte, error) {
	return r.AppendBinary(make([]byte, 0, recordHeaderSize+64+len(r.Body)))
}

// UnmarshalBinary decodes a record encoded by AppendBinary. The record's
// Body aliases b.
func (r *Record) UnmarshalBinary(b []byte) error {
	if len(b) < recordHeaderSize || b[0] != recordVersion {
		return errBadRecord
	}
	*r = Record{Status: Status(b[1])}
	copy(r.Token[:], b[2:18])
	copy(r.Fingerprint[:], b[18:50])
	switch r.Status {
	case InFlight:
		if len(b) != recordHeaderSize {
			return errBadRecord
		}
		return nil
	case Completed:
	default:
		return errBadRecord
	}
	d := decoder{b: b[recordHeaderSize:]}
	code := d.uvarint()
	r.ErrorCode = d.str()
	n := d.uvarint()
	if d.err || code < 100 || code > 999 || n > uint64(len(d.b)) {
		return errBadRecord
	}
	r.Code = int(code)
	if n > 0 {
		r.Header = make(http.Header, n)
	}
	for i := uint64(0); i < n; i++ {
		k := d.str()
		nv := d.uvarint()
		if d.err || nv > uint64(len(d.b)) {
			return errBadRecord
		}
		vs := make([]string, nv)
		for j := range vs {
			vs[j] = d.str()
		}
		if d.err {
			return errBadRecord
		}
		r.Header[k] = vs
	}
	r.Body = d.b
	return nil
}

type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)) {
		d.err = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
