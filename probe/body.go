package probe

import "io"

// padBody is a JSON object of exactly size bytes, generated as it is read so
// that an oversized request costs no memory: {"apierr_probe":"aaaa…"}.
type padBody struct {
	size, off int64
}

const (
	padHead = `{"apierr_probe":"`
	padTail = `"}`
)

func newPadBody(size int64) *padBody {
	if min := int64(len(padHead) + len(padTail)); size < min {
		size = min
	}
	return &padBody{size: size}
}

func (p *padBody) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && p.off < p.size {
		switch {
		case p.off < int64(len(padHead)):
			b[n] = padHead[p.off]
		case p.off >= p.size-int64(len(padTail)):
			b[n] = padTail[p.off-(p.size-int64(len(padTail)))]
		default:
			b[n] = 'a'
		}
		n++
		p.off++
	}
	return n, nil
}
