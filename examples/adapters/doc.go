// Package adapters holds the fax example on four frameworks, each a
// program run from the repository's root:
//
//	go run ./examples/adapters/echo --addr 127.0.0.1:8081
//	go run ./examples/adapters/gin --addr 127.0.0.1:8082
//	go run ./examples/adapters/huma --addr 127.0.0.1:8083
//	go run ./examples/adapters/fiber --addr 127.0.0.1:8084
//
// Each serves the same small API with the fax catalog (examples/fax's
// errors.yaml) through its framework's adapter: GET /account/balance and
// GET /fax/{id} behind an API key, POST /fax with JSON binding, a rate
// limit, a body limit and Idempotency-Key, and the docs every error links
// to. Each has a test that runs `apierr probe`'s battery against it on a
// real loopback server. It is a module of its own so that the frameworks
// stay out of the library's module graph.
package adapters
