// Package examples holds the reference services for the five seed contracts,
// one package each, named by what the API does:
//
//	fax        seed 000: the envelope {error, message, action, docs, context}
//	inbox      seed 001: {error, message, details, request_id} and FastAPI's {detail}
//	mail       seed 002: {error, message}
//	calls      seed 003: {success: false, message, error: {code, details, field, retryAfter}}
//	campaigns  seed 004: {error, message, detail?}
//
// Each package has its catalog (errors.yaml), its wire format (format.go,
// except fax, which uses apierr.Envelope) and a small in-memory service
// (NewServer) run through apierr's real middleware. The golden test in this
// directory checks that every example body printed in the seeds is what the
// catalogs render; each package's tests drive every documented code through
// real HTTP.
package examples
