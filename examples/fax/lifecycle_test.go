package fax

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"
)

func getFax(t *testing.T, e *env, key, id string) Fax {
	t.Helper()
	r := e.do("GET", "/fax/"+id, key, nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /fax/%s: %d %s", id, r.Status, r.Body)
	}
	var f Fax
	if err := json.Unmarshal(r.Body, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func balance(t *testing.T, e *env, key string) Balance {
	t.Helper()
	r := e.do("GET", "/account/balance", key, nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /account/balance: %d %s", r.Status, r.Body)
	}
	var b Balance
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLifecycle(t *testing.T) {
	t.Run("delivered fax is charged, its image kept until retention ends", func(t *testing.T) {
		e := newEnv(t, Config{})
		doc := pdf(3)
		f := created(t, e.sendJSON(DemoSandboxKey, "+14155550123", doc, nil))
		if f.Status != Queued || f.Pages != 3 || f.Cost != 30 || f.MediaType != mediaPDF {
			t.Fatalf("created %+v", f)
		}
		if b := balance(t, e, DemoSandboxKey); b.Balance != DemoSandboxCredits || b.Holds != 30 || b.Available != DemoSandboxCredits-30 {
			t.Fatalf("balance while in flight %+v", b)
		}
		for _, want := range []Status{Submitted, InProgress, Delivered} {
			e.srv.Advance()
			if got := getFax(t, e, DemoSandboxKey, f.ID).Status; got != want {
				t.Fatalf("status %s, want %s", got, want)
			}
		}
		if b := balance(t, e, DemoSandboxKey); b.Balance != DemoSandboxCredits-30 || b.Holds != 0 {
			t.Fatalf("balance after delivery %+v", b)
		}
		img := e.do("GET", "/fax/"+f.ID+"/image", DemoSandboxKey, nil, nil)
		if img.Status != 200 || img.Header.Get("Content-Type") != mediaPDF || !bytes.Equal(img.Body, doc) {
			t.Fatalf("image: %d %s", img.Status, img.Header.Get("Content-Type"))
		}
		e.clock.Add(24 * time.Hour)
		if img := e.do("GET", "/fax/"+f.ID+"/image", DemoSandboxKey, nil, nil); img.Status != 422 {
			t.Fatalf("image after retention: %d %s", img.Status, img.Body)
		}
		if g := getFax(t, e, DemoSandboxKey, f.ID); !g.DataPurged || g.Status != Delivered {
			t.Fatalf("metadata after purge %+v", g)
		}
		if r := e.do("DELETE", "/fax/"+f.ID, DemoSandboxKey, nil, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/fax/"+f.ID, DemoSandboxKey, nil, nil); r.Status != 404 {
			t.Fatalf("after delete: %d", r.Status)
		}
	})
	t.Run("failed fax releases its hold; resend holds again", func(t *testing.T) {
		e := newEnv(t, Config{})
		f := created(t, e.sendMultipart(DemoSandboxKey, "+1415555"+SandboxFailSuffix, []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00")))
		if f.MediaType != mediaTIFF || f.Cost != 10 {
			t.Fatalf("created %+v", f)
		}
		e.srv.Drain()
		g := getFax(t, e, DemoSandboxKey, f.ID)
		if g.Status != Failed || g.FailureReason != "no_answer" {
			t.Fatalf("after drain %+v", g)
		}
		if b := balance(t, e, DemoSandboxKey); b.Balance != DemoSandboxCredits || b.Holds != 0 {
			t.Fatalf("balance after failure %+v", b)
		}
		r := created(t, e.do("POST", "/fax/"+f.ID+"/resend", DemoSandboxKey, nil, nil))
		if r.ResentFrom != f.ID || r.Status != Queued || r.ID == f.ID {
			t.Fatalf("resent %+v", r)
		}
		if b := balance(t, e, DemoSandboxKey); b.Holds != 10 {
			t.Fatalf("balance after resend %+v", b)
		}
	})
	t.Run("resend needs available credit like a new fax", func(t *testing.T) {
		e := newEnv(t, Config{})
		e.srv.AddWorkspace(Workspace{ID: "ws_small"})
		e.srv.Credit("ws_small", Sandbox, 10)
		key := e.srv.IssueKey("ws_small", Sandbox)
		f := created(t, e.sendJSON(key, "+14155550123", onePage, nil))
		r := e.do("POST", "/fax/"+f.ID+"/resend", key, nil, nil)
		if r.Status != 402 {
			t.Fatalf("resend with 0 available: %d %s", r.Status, r.Body)
		}
		if ctx := r.json(t)["context"].(map[string]any); ctx["available"] != 0.0 || ctx["required"] != 10.0 {
			t.Fatalf("context %v", ctx)
		}
		e.srv.Drain()
		if b := e.srv.Balance("ws_small", Sandbox); b.Balance != 0 || b.Holds != 0 {
			t.Fatalf("balance %+v", b)
		}
	})
	t.Run("flat rate prices every fax alike", func(t *testing.T) {
		e := newEnv(t, Config{FlatRate: 7})
		for _, n := range []int{1, 12} {
			if f := created(t, e.sendJSON(DemoSandboxKey, "+14155550123", pdf(n), nil)); f.Cost != 7 || f.Pages != n {
				t.Fatalf("%d pages: %+v", n, f)
			}
		}
	})
	t.Run("zero-footprint workspace loses the document at once", func(t *testing.T) {
		e := newEnv(t, Config{})
		key := DemoGlobexKey
		f := created(t, e.sendJSON(key, "+14155550123", []byte{0xFF, 0xD8, 0xFF, 0xE0}, nil))
		if r := e.do("GET", "/fax/"+f.ID+"/image", key, nil, nil); r.Status != 200 {
			t.Fatalf("image in flight: %d", r.Status)
		}
		e.srv.Drain()
		for _, p := range []string{"/image", "/resend"} {
			m := "GET"
			if p == "/resend" {
				m = "POST"
			}
			if r := e.do(m, "/fax/"+f.ID+p, key, nil, nil); r.Status != 422 || r.json(t)["error"] != "fax_data_purged" {
				t.Fatalf("%s after delivery: %d %s", p, r.Status, r.Body)
			}
		}
		if g := getFax(t, e, key, f.ID); !g.DataPurged {
			t.Fatalf("metadata %+v", g)
		}
	})
	t.Run("each environment sees only its own faxes", func(t *testing.T) {
		e := newEnv(t, Config{})
		e.srv.Credit("ws_acme", Live, 100)
		f := created(t, e.sendJSON(DemoLiveKey, "+14155550500", onePage, nil)) // 0500 fails only in the sandbox
		if r := e.do("GET", "/fax/"+f.ID, DemoSandboxKey, nil, nil); r.Status != 404 {
			t.Fatalf("sandbox key on a live fax: %d", r.Status)
		}
		if g := getFax(t, e, DemoLiveKey, f.ID); g.Environment != Live {
			t.Fatalf("%+v", g)
		}
		if r := e.do("GET", "/fax/"+f.ID, DemoGlobexKey, nil, nil); r.Status != 404 {
			t.Fatalf("other workspace, other environment: %d", r.Status)
		}
	})
	t.Run("reactivated workspace is served again", func(t *testing.T) {
		e := newEnv(t, Config{})
		if !e.srv.SetActive("ws_initech", true) {
			t.Fatal("ws_initech unknown")
		}
		balance(t, e, DemoInactiveKey)
		e.srv.SetActive("ws_initech", false)
		if r := e.do("GET", "/account/balance", DemoInactiveKey, nil, nil); r.Status != 403 {
			t.Fatalf("deactivated again: %d", r.Status)
		}
	})
	t.Run("background transmitter moves faxes on each tick and stops", func(t *testing.T) {
		ticks := make(chan time.Time)
		e := newEnv(t, Config{Ticks: ticks})
		stop := e.srv.Start()
		f := created(t, e.sendJSON(DemoSandboxKey, "+14155550123", onePage, nil))
		for i := 0; i < 3; i++ {
			ticks <- time.Time{} // unbuffered: the transmitter has taken it
		}
		stop() // waits for Run to return, so the third step is done
		if g := getFax(t, e, DemoSandboxKey, f.ID); g.Status != Delivered {
			t.Fatalf("after three ticks %+v", g)
		}
	})
}

// TestConcurrentSubmissions: 200 concurrent POST /fax against credit for
// exactly 50 faxes, with the transmitter running meanwhile.
func TestConcurrentSubmissions(t *testing.T) {
	const (
		workers = 200
		room    = 50
	)
	ticks := make(chan time.Time)
	// No rate limit, and no cap on submissions in flight: the point is 200
	// submissions racing for the balance at once.
	e := newEnv(t, Config{RatePerSecond: -1, MaxSubmissions: -1, Ticks: ticks})
	e.srv.AddWorkspace(Workspace{ID: "ws_busy"})
	e.srv.Credit("ws_busy", Sandbox, room*20) // a two-page fax costs 20
	key := e.srv.IssueKey("ws_busy", Sandbox)
	doc := pdf(2)

	// The transmitter runs while the submissions arrive, so holds are placed
	// and settled concurrently.
	stop := e.srv.Start()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		byCode  = map[int]int{}
		ids     = map[string]bool{}
		start   = make(chan struct{})
		doneTx  = make(chan struct{})
		stopped = make(chan struct{})
	)
	go func() {
		defer close(stopped)
		pace := time.NewTicker(time.Millisecond)
		defer pace.Stop()
		for {
			select {
			case <-doneTx:
				return
			case now := <-pace.C:
				ticks <- now
				// Credits never go negative, whatever the interleaving.
				if b := e.srv.Balance("ws_busy", Sandbox); b.Balance < 0 || b.Holds < 0 || b.Available < 0 {
					t.Errorf("negative balance while running: %+v", b)
				}
			}
		}
	}()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := e.sendJSON(key, "+14155550123", doc, nil)
			mu.Lock()
			defer mu.Unlock()
			byCode[r.Status]++
			if r.Status == http.StatusCreated {
				var f Fax
				_ = json.Unmarshal(r.Body, &f)
				ids[f.ID] = true
			} else if r.json(t)["error"] != "insufficient_balance" {
				t.Errorf("unexpected %d %s", r.Status, r.Body)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(doneTx)
	<-stopped
	stop()
	e.srv.Drain()

	if byCode[201] != room || byCode[402] != workers-room {
		t.Fatalf("responses %v, want %d×201 and %d×402", byCode, room, workers-room)
	}
	if len(ids) != room {
		t.Fatalf("%d distinct fax ids, want %d", len(ids), room)
	}
	b := e.srv.Balance("ws_busy", Sandbox)
	if b.Balance != 0 || b.Holds != 0 || b.Available != 0 {
		t.Fatalf("balance %+v, want all zero", b)
	}
	faxes := e.srv.Faxes("ws_busy", Sandbox)
	if len(faxes) != room {
		t.Fatalf("%d faxes stored, want %d", len(faxes), room)
	}
	for _, f := range faxes {
		if f.Status != Delivered || !ids[f.ID] {
			t.Errorf("fax %s: %s", f.ID, f.Status)
		}
	}
}
