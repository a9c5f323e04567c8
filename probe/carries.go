package probe

import (
	"bytes"
	"mime"

	"github.com/apierr/apierr"
)

// carried says which members the catalog's format puts in a body.
type carried struct{ docs, requestID bool }

// probeRequestID marks the request ID of the rendered sample.
const probeRequestID = "apierr-probe-request-id-7f3a"

// bodyCarries reports whether the catalog's format for a response of
// content type ct puts a docs link and a request ID in the body. Some
// contracts have no member for them (seed 001's {"detail": …}); the catalog
// states the shape, so the probe renders a sample with it and asks for the
// members only where the shape has them. Without a catalog both are expected.
func (p *prober) bodyCarries(ct string) carried {
	cat := p.cfg.Catalog
	if cat == nil || len(cat.Formats()) == 0 {
		return carried{true, true}
	}
	mt, _, _ := mime.ParseMediaType(ct)
	if c, ok := p.carries[mt]; ok {
		return c
	}
	f := cat.Formats()[0]
	for _, g := range cat.Formats() {
		if g.ContentType() == mt {
			f = g
			break
		}
	}
	code := cat.ForCondition(apierr.CondEndpointNotFound)
	if code == nil {
		return carried{true, true}
	}
	e := code.Error()
	e.RequestID = probeRequestID
	body := cat.Render(f, e)
	c := carried{
		docs:      cat.DocsURL() != "" && bytes.Contains(body, []byte(cat.DocsFor(code.ID))),
		requestID: bytes.Contains(body, []byte(probeRequestID)),
	}
	p.carries[mt] = c
	return c
}
