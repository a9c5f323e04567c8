package middleware_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/apierr/apierr/idempotency"
	"github.com/apierr/apierr/middleware"
)

// stalled sends a POST declaring 100 bytes, sends 10, and returns the
// answer's status, decoded body and whether the server closes the
// connection.
func stalled(t *testing.T, addr string, hdr string) (int, map[string]any, bool) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "POST /x HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":\"1234", hdr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body, resp.Close
}

func quietStack() func(http.Handler) http.Handler {
	return middleware.Stack(nil, middleware.WithLogger(slog.New(slog.DiscardHandler)))
}

// A stalled body is answered 408 request_timeout (context min_rate) and
// its connection closed, whoever reads it: a handler of its own under
// BodyLimit, bind.JSON under MinBodyRate, the idempotency middleware alone.
func TestStalledBodyGets408(t *testing.T) {
	readAll := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		_, err := io.ReadAll(r.Body)
		return err
	})
	binder := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ A string }
		return bind.JSON(r, &v)
	})
	grace := 200 * time.Millisecond
	for _, tc := range []struct {
		name string
		h    http.Handler
		hdr  string
	}{
		{"BodyLimit, io.ReadAll", middleware.MinBodyRate(0, grace)(middleware.BodyLimit(1 << 20)(readAll)), ""},
		{"MinBodyRate, bind.JSON", middleware.MinBodyRate(100, grace)(binder), ""},
		{"idempotency alone", idempotency.New(idempotency.Config{BodyGrace: grace, Scope: func(*http.Request) (string, bool) { return "s", true }})(binder), "Idempotency-Key: k1\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, quietStack()(tc.h))
			status, body, closed := stalled(t, srv.Listener.Addr().String(), tc.hdr)
			ctx, _ := body["context"].(map[string]any)
			if status != http.StatusRequestTimeout || body["error"] != "request_timeout" || ctx["min_rate"] == nil || !closed {
				t.Fatalf("stalled body: %d %v, connection closed %v; want 408 request_timeout with min_rate, closed", status, body, closed)
			}
		})
	}
}

// A body sent promptly is read whole, and once it has ended the deadline
// is gone: a handler that works on past it keeps its context (the
// server's background read must not time out and cancel it).
func TestBodyDeadlineClearedAtEnd(t *testing.T) {
	grace := 100 * time.Millisecond
	h := middleware.BodyLimit(1 << 20)(apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		select {
		case <-r.Context().Done():
			return errors.New("context canceled after the body was read")
		case <-time.After(4 * grace): // past any deadline the guard set
		}
		_, err = w.Write(b)
		return err
	}))
	srv := serve(t, quietStack()(middleware.MinBodyRate(0, grace)(h)))
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != `{"a":1}` {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

// An error answered before the body ended (a 401 that never reads it) is
// sent at once with Connection: close: net/http would otherwise read the
// rest of the body first, at the client's pace, until the guard's grace
// (an hour here) ran out. An error after the whole body was read keeps
// the connection.
func TestErrorBeforeTheBodyClosesAtOnce(t *testing.T) {
	refuse := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return apierr.Cond(apierr.CondAuthMissing)
	})
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"MinBodyRate", middleware.MinBodyRate(0, time.Hour)(refuse)},
		{"BodyLimit", middleware.MinBodyRate(0, time.Hour)(middleware.BodyLimit(1 << 20)(refuse))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, quietStack()(tc.h))
			// stalled sends 10 of 100 bytes and waits up to a minute: only
			// an answer that does not wait for the other 90 arrives.
			status, body, closed := stalled(t, srv.Listener.Addr().String(), "")
			if status != http.StatusUnauthorized || body["error"] == nil || !closed {
				t.Fatalf("got %d %v, connection closed %v; want the 401 at once, closed", status, body, closed)
			}
		})
	}

	readThenRefuse := apierr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := io.ReadAll(r.Body); err != nil {
			return err
		}
		return apierr.Cond(apierr.CondValidationFailed)
	})
	srv := serve(t, quietStack()(middleware.MinBodyRate(0, time.Hour)(readThenRefuse)))
	res, err := srv.Client().Post(srv.URL+"/x", "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || res.Close {
		t.Fatalf("error after the body: %d, Connection: close %v; want 422 on a kept connection", res.StatusCode, res.Close)
	}
}
