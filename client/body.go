package client

import (
	"bytes"
	"io"
	"net/http"
)

// retriedBody marks the body of a response that took more than one attempt,
// so Attempts can tell.
type retriedBody struct {
	io.ReadCloser
	attempts int
}

// Attempts returns how many attempts a Transport made for resp: 1 unless the
// response came after retries.
func Attempts(resp *http.Response) int {
	if resp != nil {
		if b, ok := resp.Body.(*retriedBody); ok {
			return b.attempts
		}
	}
	return 1
}

func withAttempts(resp *http.Response, attempts int) *http.Response {
	if attempts > 1 && resp != nil {
		body := resp.Body
		if body == nil {
			body = http.NoBody
		}
		resp.Body = &retriedBody{ReadCloser: body, attempts: attempts}
	}
	return resp
}

// bufferBody reads up to limit bytes of body so it can be sent again, and
// closes it. When the body is longer it returns ok=false and a reader that
// yields the bytes already read followed by the rest, so the single attempt
// still sends it whole.
func bufferBody(body io.ReadCloser, limit int64) (buf []byte, rest io.ReadCloser, ok bool, err error) {
	buf = make([]byte, 0, min(limit+1, 4096))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			body.Close()
			return buf, nil, true, nil
		case err != nil:
			body.Close()
			return nil, nil, false, err
		case int64(len(buf)) > limit:
			return nil, multiReadCloser{io.MultiReader(bytes.NewReader(buf), body), body}, false, nil
		}
	}
}

type multiReadCloser struct {
	io.Reader
	c io.Closer
}

func (m multiReadCloser) Close() error { return m.c.Close() }
