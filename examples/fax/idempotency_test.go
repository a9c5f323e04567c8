package fax

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
)

func TestIdempotencyKey(t *testing.T) {
	t.Run("a retry replays the first fax instead of sending a second", func(t *testing.T) {
		e := newEnv(t, Config{})
		key := map[string]string{"Idempotency-Key": "order-1234"}
		first := e.sendJSON(DemoSandboxKey, "+14155550123", onePage, key)
		f := created(t, first)
		again := e.sendJSON(DemoSandboxKey, "+14155550123", onePage, key)
		if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) {
			t.Fatalf("retry: %d %s", again.Status, again.Body)
		}
		if again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("Idempotent-Replayed %q", again.Header.Get("Idempotent-Replayed"))
		}
		if n := len(e.srv.Faxes("ws_acme", Sandbox)); n != 2 { // the seeded purged fax and f
			t.Fatalf("%d faxes, want 2", n)
		}
		if b := e.srv.Balance("ws_acme", Sandbox); b.Holds != f.Cost {
			t.Fatalf("holds %d, want %d", b.Holds, f.Cost)
		}
	})
	t.Run("the same key with another body is refused", func(t *testing.T) {
		e := newEnv(t, Config{})
		key := map[string]string{"Idempotency-Key": "order-1"}
		created(t, e.sendJSON(DemoSandboxKey, "+14155550123", onePage, key))
		r := e.sendJSON(DemoSandboxKey, "+14155550124", onePage, key)
		if r.Status != 422 || r.json(t)["error"] != "idempotency_key_reused" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("a 500 is not stored: the retry runs again", func(t *testing.T) {
		e := newEnv(t, Config{})
		key := map[string]string{"Idempotency-Key": "order-500"}
		for i := 0; i < 2; i++ {
			r := e.sendJSON(DemoSandboxKey, "+1415555"+SandboxErrorSuffix, onePage, key)
			if r.Status != 500 || r.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("attempt %d: %d replayed=%q", i, r.Status, r.Header.Get("Idempotent-Replayed"))
			}
		}
	})
	t.Run("0501 fails the first attempt of a key and charges its retry once", func(t *testing.T) {
		e := newEnv(t, Config{})
		to := "+1415555" + SandboxFlakySuffix
		key := map[string]string{"Idempotency-Key": "order-0501"}
		if r := e.sendJSON(DemoSandboxKey, to, onePage, key); r.Status != 500 || r.json(t)["error"] != "internal_server_error" {
			t.Fatalf("first attempt: %d %s", r.Status, r.Body)
		}
		if b := e.srv.Balance("ws_acme", Sandbox); b.Holds != 0 {
			t.Fatalf("the failed attempt holds %d credits", b.Holds)
		}
		f := created(t, e.sendJSON(DemoSandboxKey, to, onePage, key))
		replay := e.sendJSON(DemoSandboxKey, to, onePage, key)
		if replay.Status != http.StatusCreated || replay.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("third attempt: %d replayed=%q", replay.Status, replay.Header.Get("Idempotent-Replayed"))
		}
		if b := e.srv.Balance("ws_acme", Sandbox); b.Holds != f.Cost {
			t.Fatalf("holds %d, want one fax's cost %d", b.Holds, f.Cost)
		}
		if r := e.sendJSON(DemoSandboxKey, to, onePage, map[string]string{"Idempotency-Key": "order-0501-b"}); r.Status != 500 {
			t.Fatalf("a new key's first attempt: %d, want 500", r.Status)
		}
		for i := 0; i < 2; i++ {
			if r := e.sendJSON(DemoSandboxKey, to, onePage, nil); r.Status != 500 {
				t.Fatalf("keyless attempt %d: %d, want 500", i, r.Status)
			}
		}
	})
	t.Run("one workspace's key never replays another's fax", func(t *testing.T) {
		e := newEnv(t, Config{})
		key := map[string]string{"Idempotency-Key": "shared-key"}
		a := created(t, e.sendJSON(DemoSandboxKey, "+14155550123", onePage, key))
		b := created(t, e.sendJSON(DemoGlobexKey, "+14155550123", onePage, key))
		if a.ID == b.ID {
			t.Fatal("Globex got Acme's fax")
		}
	})
	t.Run("resend with a key runs once under concurrency", func(t *testing.T) {
		e := newEnv(t, Config{RatePerSecond: -1})
		f := created(t, e.sendJSON(DemoSandboxKey, "+14155550123", onePage, nil))
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do("POST", "/fax/"+f.ID+"/resend", DemoSandboxKey, nil, map[string]string{"Idempotency-Key": "resend-1"})
				mu.Lock()
				codes[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[201]+codes[409] != 20 {
			t.Fatalf("responses %v: want only 201 (first or replayed) and 409 (in flight)", codes)
		}
		if n := len(e.srv.Faxes("ws_acme", Sandbox)); n != 3 { // seeded, f, one resend
			t.Fatalf("%d faxes, want 3", n)
		}
	})
}
