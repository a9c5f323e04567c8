// Package client is the calling side of apierr: it decodes any HTTP API's
// error responses into one type, and retries requests safely.
//
// Decode turns a non-2xx *http.Response into an error that errors.As unwraps
// to an *apierr.Error, whatever shape the API uses: apierr's envelope,
// RFC 9457 problem details, Google's google.rpc.Status, Microsoft's
// error.code/target/details, JSON:API, Stripe-, GitHub-, Twilio-, AWS- and
// Kubernetes-style bodies, S3 XML, FastAPI and Rails validation maps, and the
// plain text or HTML pages proxies send.
//
//	resp, err := c.Do(req)
//	if err != nil {
//		return err
//	}
//	defer resp.Body.Close()
//	if err := client.Decode(resp); err != nil {
//		var e *apierr.Error
//		if errors.As(err, &e) && e.Code == "insufficient_balance" {
//			// …
//		}
//		return err
//	}
//
// Transport is an http.RoundTripper that retries what is safe to retry:
// transport failures and 408/429/500/502/503/504 (and a CDN's 52x), only
// for idempotent methods or requests that carry an Idempotency-Key, with
// full-jitter exponential backoff, Retry-After honoured but capped, never
// sleeping past the context deadline, and a retry budget so a failing
// backend is not stormed.
//
//	c := client.New(&client.Transport{MaxRetries: 4})
//
// Decode reads JSON bodies through a table of members (decode_json_table.go):
// aliases for the code, message, detail, docs, request ID, retry hints and
// field errors, wrapper members it follows ("error", "fault", "data", …) and
// the precedence among them, all written as data. testdata/corpus holds the
// documented error responses of over a hundred public APIs that it is held
// to.
//
// A Pacer keeps a client under the rate limits a server announces
// (RateLimit/RateLimit-Policy, X-RateLimit-*), across all goroutines and,
// with redisstore.PaceStore, across processes, so that it is not refused
// with 429s in the first place:
//
//	c := client.New(&client.Transport{Pacer: client.NewPacer(client.PaceConfig{})})
package client
