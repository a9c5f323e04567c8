// Package idempotency makes retries of unsafe requests safe: a client sends
// an Idempotency-Key with a POST or PATCH, and however many times the request
// arrives, its handler runs at most once and every retry gets the first
// response back. It follows draft-ietf-httpapi-idempotency-key-header and
// Stripe's semantics.
//
//	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{}) // or redisstore.NewIdempotencyStore
//	keys := idempotency.New(idempotency.Config{Store: store, Required: true})
//	mux.Handle("POST /faxes", keys(sendFax)) // mounted inside authentication
//
// For a request that carries a key:
//
//   - The key is scoped to the caller (the principal's tenant and
//     environment by default, Config.Scope otherwise): tenant A's key "1"
//     never returns tenant B's response.
//   - The request is fingerprinted: method, route, path and query, the
//     configured headers, and a SHA-256 of the body (read up to
//     Config.MaxBodyBytes).
//   - The first request takes a lease on the key (Store.Acquire, with a
//     random owner token) and runs; its status, headers and body are stored
//     for Config.TTL (24 h).
//   - A repeat with the same fingerprint gets the stored response byte for
//     byte, with "Idempotent-Replayed: true" and, under apierr's stack,
//     Original-Request naming the first request's ID (the replay has its
//     own).
//   - A repeat while the first still runs gets idempotency_key_in_use (409)
//     with Retry-After; the same key with a different request gets
//     idempotency_key_reused (422); no key on a Required route gets
//     idempotency_key_missing (400). A malformed key (empty, over 255 bytes,
//     not printable ASCII, sent twice) is also idempotency_key_missing, with
//     context reason "invalid_key": the catalog's code for "send a usable
//     key" fits, and the key is never silently ignored, since the client
//     asked for at-most-once.
//
// Responses that are not final are not stored, and the key is released so a
// retry runs again: 5xx, 429, errors the handler chain rendered for a
// built-in condition (authentication, validation, malformed body, limits —
// see DefaultStorePolicy), responses over Config.MaxResponseBytes (logged),
// a response that an error was written into after it started (apierr's
// stack aborts that connection), a plain error the normalizer below
// replaced with a catalog error (whatever the Policy says: the recorded
// text is not what the client got),
// a handler that panics (the panic goes on to the recover middleware) and a
// cancelled request whose handler gave up without writing. A timeout (the
// timeout condition, e.g. middleware.Timeout's 504, whose handler may still
// be running) is not stored either, but its key stays leased until
// Config.Lease expires, so a retry cannot run beside it. A handler that
// finishes despite the cancellation has done its side effect, so its
// response is stored: the client's retry then replays it instead of running
// it twice.
//
// A lease lives as long as the process holding it: the middleware renews it
// (Store.Renew) every Config.Lease/3 while the handler runs, and while a
// response whose save failed is saved again in the background
// (Config.SaveBackoff), so a slow handler or a store hiccup never lets a
// retry run beside the first request or after it; the retry gets
// idempotency_key_in_use, then the replay. A process that dies mid-request
// stops renewing, and its key frees once Config.Lease has passed.
//
// The body is read once, hashed as it arrives, and handed to the handler
// from memory; bind.JSON decodes it in place, so a keyed request's
// body is held once. A body over Config.MaxBodyBytes gets Config.TooLarge's
// answer, which a route sets to its handler's own so the answer is the same
// with or without a key.
//
// Every error is a catalog error rendered with apierr.Write.
package idempotency
