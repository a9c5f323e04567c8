package fax

import (
	"net/http"
	"sync"
)

// SandboxFlakySuffix: POST /fax to a sandbox number ending in 0501 answers
// 500 internal_server_error to the first attempt of each Idempotency-Key and
// accepts the next one: a transient failure before anything is charged, the
// case a client's retry exists for. It lets a client's retry policy be
// tested end to end (the TypeScript client's tests in ts/ do): a retry that
// sends the same key gets the fax, charged once; a retry under a new key
// fails again. Without a key every attempt answers 500, since nothing tells
// a retry from a new request. Sandbox only, like SandboxErrorSuffix.
const SandboxFlakySuffix = "0501"

// flakyKeys remembers which Idempotency-Keys already had their one failure.
// It is bounded: when full it forgets everything, so a key may fail once more.
type flakyKeys struct {
	mu   sync.Mutex
	seen map[string]bool
}

const maxFlakyKeys = 10000

// firstAttempt reports whether this is the first attempt of r's
// Idempotency-Key in workspace's env (and records it). A request without a
// key is always a first attempt.
func (f *flakyKeys) firstAttempt(r *http.Request, workspace string, env Env) bool {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return true
	}
	id := workspace + "\x00" + string(env) + "\x00" + key
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[id] {
		return false
	}
	if f.seen == nil || len(f.seen) >= maxFlakyKeys {
		f.seen = make(map[string]bool)
	}
	f.seen[id] = true
	return true
}
