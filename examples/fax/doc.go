// Package fax is the demo fax API: seed 000's error contract (the error
// reference of a real fax service) carried exactly by apierr, and what
// `apierr demo` serves.
//
//	srv, _ := fax.NewDemo(fax.Config{})   // workspaces, keys and faxes for the demo
//	stop := srv.Start()                   // the background transmitter
//	defer stop()
//	http.ListenAndServe("127.0.0.1:8080", srv)
//
// Routes: POST /fax (JSON with a base64 file, or multipart/form-data; PDF,
// TIFF or JPEG by magic bytes, 10 MB at most; priced per page), GET
// /fax/{id}, DELETE /fax/{id} (terminal faxes only), POST /fax/{id}/resend,
// GET /fax/{id}/image, GET /account/balance, and the error reference at
// the catalog's docs path (/docs/errors/, via docgen.Handler).
//
// The stack is apierr's own: middleware.Stack outermost, then per route
// auth.New (fx_test_ and fx_live_ keys, prefix and whitespace hints,
// deactivated workspaces), a ratelimit.Limiter per API key, on POST /fax a
// ratelimit.ConcurrencyLimiter (Config.MaxSubmissions in flight per key,
// refused before the body is read: each holds its document in memory), and
// idempotency.New on the two POST routes that create faxes. Handlers are
// apierr.HandlerFunc and return catalog errors; bind.JSON and
// bind.Validate check the body, auth.Owned answers another
// workspace's fax with forbidden (the catalog's foreign_resource).
//
// Money: each workspace has a credit balance per environment; a fax holds
// its cost while in flight, is charged on delivery and released on failure,
// and a submission whose cost exceeds balance minus holds gets
// insufficient_balance. One mutex makes each check-and-hold atomic.
//
// Sandbox numbers decide outcomes: a number ending in 0000 fails, one ending
// in 0500 makes POST /fax answer internal_server_error (sandbox only), one
// ending in 0501 answers it only to the first attempt of each
// Idempotency-Key (a transient failure for testing retries), any other is
// delivered. Documents are purged a retention window after the fax
// finishes (at once for zero-footprint workspaces); image and resend then
// give fax_data_purged while GET /fax/{id} still answers.
package fax
