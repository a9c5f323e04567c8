// Package interop holds apierr's tests and benchmarks that need third-party
// software a library user must not inherit: the peer libraries it is measured
// against (huma, echo, chi, go-retryablehttp, x/time/rate, go-limiter,
// redis_rate, ulule/limiter), a real browser (chromedp) and an OpenAPI
// validator (kin-openapi). It is a module of its own so that none of them
// appears in the library's go.mod; the root go.work puts both in one
// workspace, so `go test github.com/apierr/apierr/...` runs them too.
package interop
