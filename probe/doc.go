// Package probe checks, from outside, that a live HTTP API keeps its error
// contract: that every failure comes back as a documented, consistent error,
// whatever language the service is written in.
//
// Run sends a bounded battery of requests that should fail — an unknown
// endpoint, a wrong method, missing and malformed credentials, an unknown key,
// malformed JSON, a wrong content type, an oversized body, a very long header,
// odd Accept headers, and, when asked, a burst to reach 429 and a reused
// Idempotency-Key — and checks every answer: the status fits the case; the
// body is JSON (or problem+json) and decodes as the apierr client decodes it;
// the code is in the catalog; the docs URL resolves; the request ID is in the
// header and the same in the body; Retry-After on 429/503, WWW-Authenticate on
// 401, Allow on 405; and no stack trace, file path, SQL or echoed key.
//
//	rep, err := probe.Run(ctx, probe.Config{
//		BaseURL:  "https://api.example.com/v1",
//		Catalog:  cat,
//		Key:      os.Getenv("API_KEY"),
//		PostPath: "/fax",
//	})
//	if err != nil { ... } // a bad configuration, or ctx cancelled
//	rep.WriteTable(os.Stdout)
//	if !rep.OK() { os.Exit(1) }
//
// A catalog (Config.Catalog) makes the checks the contract's own: the status
// a case must get is the one the catalog binds to its condition (seed 000
// answers a wrong content type with 400, not 415), every code must be in it
// with its status, docs links must be its permalinks (on any host: the path
// is compared), and the docs link and request ID are asked of the body only
// when the catalog's format has a member for them.
//
// The probe talks to BaseURL's scheme and host and to nothing else: it
// follows no redirect, fetches docs URLs only on that host (others are
// checked for form only, and the report says so), and uses no proxy. It is
// bounded: a request budget, a timeout per exchange and for the run, and a
// cap on every body it reads. The oversized body is generated as it is sent
// and announced with Expect: 100-continue, so a server can refuse it unread.
//
// The command "apierr probe BASE_URL" runs it and prints the report.
package probe
