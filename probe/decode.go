package probe

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
)

// decodeBody decodes an error body exactly as the apierr client does
// (client.Decoder, bounded like the probe's own read), from the body and its
// Content-Type alone: the client falls back to headers for the request ID,
// the retry delay and some codes, and the checks must know what the body
// itself carries. A decoder that panics on a hostile body yields nil; the
// probe must not panic.
func (p *prober) decode(resp *http.Response, body []byte) (e *apierr.Error) {
	defer func() {
		if recover() != nil {
			e = nil
		}
	}()
	bare := &http.Response{
		Status:        resp.Status,
		StatusCode:    resp.StatusCode,
		Proto:         resp.Proto,
		ProtoMajor:    resp.ProtoMajor,
		ProtoMinor:    resp.ProtoMinor,
		Header:        http.Header{},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       resp.Request,
	}
	if ct := resp.Header.Values("Content-Type"); len(ct) > 0 {
		bare.Header["Content-Type"] = ct
	}
	d := client.Decoder{MaxBody: p.cfg.MaxBody, MaxDrain: -1}
	errors.As(d.Decode(bare), &e)
	return e
}
