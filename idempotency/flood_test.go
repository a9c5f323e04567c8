package idempotency_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/idempotency/idempotencytest"
)

// A tenant sending 200,000 fresh keys (twice the default MaxEntries) must
// not make another tenant's completed key run again, nor its running key
// start a second time: the flooder's own oldest records go.
func TestFloodingTenantCannotEvictAnother(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 requests")
	}
	maxEntries, flood := 100_000, 200_000 // the default bound, twice over
	if raceEnabled {
		maxEntries, flood = 10_000, 20_000
	}
	var mu sync.Mutex
	runs := map[string]int{} // tenant/key → handler runs
	gate := make(chan struct{})
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(idempotencytest.TenantHeader) + "/" + r.Header.Get("Idempotency-Key")
		mu.Lock()
		runs[id]++
		first := runs[id] == 1
		mu.Unlock()
		if id == "B/running" && first {
			close(started)
			<-gate // B's request is still running while A floods
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"` + id + `"}`))
	})
	store := idempotency.NewMemoryStore(idempotency.MemoryConfig{MaxEntries: maxEntries})
	api := idempotencytest.WithTenant(testCatalog(t))(idempotency.New(idempotency.Config{Store: store})(h))
	send := func(tenant, key string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/faxes", strings.NewReader(`{"to":"+15551234567"}`))
		r.Header.Set(idempotencytest.TenantHeader, tenant)
		r.Header.Set("Idempotency-Key", key)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, r)
		return w
	}

	if w := send("B", "paid"); w.Code != http.StatusCreated {
		t.Fatalf("B's first request: %d %s", w.Code, w.Body)
	}
	running := make(chan *httptest.ResponseRecorder)
	go func() { running <- send("B", "running") }()
	<-started

	for i := 0; i < flood; i++ {
		if w := send("A", strconv.Itoa(i)); w.Code != http.StatusCreated {
			t.Fatalf("A's request %d: %d %s", i, w.Code, w.Body)
		}
	}
	if n := store.Len(); n > maxEntries {
		t.Errorf("store holds %d records; want at most MaxEntries (%d)", n, maxEntries)
	}

	if w := send("B", "paid"); w.Code != http.StatusCreated || w.Header().Get(idempotency.ReplayedHeader) != "true" {
		t.Errorf("B's completed key after the flood: %d replayed=%q; want its replay", w.Code, w.Header().Get(idempotency.ReplayedHeader))
	}
	if w := send("B", "running"); w.Code != http.StatusConflict {
		t.Errorf("B's running key after the flood: %d %s; want 409 idempotency_key_in_use", w.Code, w.Body)
	}
	close(gate)
	<-running
	if w := send("B", "running"); w.Code != http.StatusCreated || w.Header().Get(idempotency.ReplayedHeader) != "true" {
		t.Errorf("B's running key once done: %d replayed=%q; want its replay", w.Code, w.Header().Get(idempotency.ReplayedHeader))
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range []string{"B/paid", "B/running"} {
		if runs[id] != 1 {
			t.Errorf("%s ran %d times; want exactly once", id, runs[id])
		}
	}
	// A's newest key still replays: the flood evicted A's oldest.
	if w := send("A", strconv.Itoa(flood-1)); w.Header().Get(idempotency.ReplayedHeader) != "true" {
		t.Errorf("A's newest key: %d, not replayed", w.Code)
	}
}
