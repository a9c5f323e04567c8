package apierr

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"
)

func TestStateNilIsSafe(t *testing.T) {
	var s *State
	s.SetPrincipal(&Principal{Tenant: "t"})
	s.SetCatalog(Default())
	s.RecordRoute(httptest.NewRequest("GET", "/", nil))
	s.MarkRendered(&Error{Code: "x"})
	s.Join(NewState(nil, "r"))
	if s.ClaimLog() || s.Rendered() || s.Err() != nil || s.Code() != "" || s.Status() != 0 ||
		s.RequestID() != "" || s.Principal() != nil || s.Route() != "" || s.Catalog() != Default() || s.Fork() != nil {
		t.Error("a nil State must read as zero and ignore writes")
	}
}

func TestStateClaimLogOnce(t *testing.T) {
	s := NewState(nil, "r")
	if !s.ClaimLog() {
		t.Fatal("first claim refused")
	}
	if s.ClaimLog() {
		t.Error("second claim granted: two layers would log one response")
	}
}

func TestStateMarkRenderedKeepsFirst(t *testing.T) {
	s := NewState(nil, "r")
	s.MarkRendered(&Error{Code: "first", Status: 409})
	s.MarkRendered(&Error{Code: "second", Status: 500})
	if !s.Rendered() || s.Code() != "first" || s.Status() != 409 {
		t.Errorf("state = %q %d, want the first error", s.Code(), s.Status())
	}
	s = NewState(nil, "r")
	s.MarkRendered(nil)
	if !s.Rendered() || s.Err() != nil {
		t.Error("MarkRendered(nil): rendered, no known error")
	}
}

func TestStateRecordRouteReadsPatternLate(t *testing.T) {
	s := NewState(nil, "r")
	r := httptest.NewRequest("GET", "/fax/1", nil)
	s.RecordRoute(r)
	if s.Route() != "" {
		t.Fatal("a request no router matched has a route")
	}
	r.Pattern = "GET /fax/{id}" // what ServeMux does after the outer layers ran
	if s.Route() != "GET /fax/{id}" {
		t.Errorf("route = %q", s.Route())
	}
	inner := httptest.NewRequest("GET", "/fax/1", nil)
	inner.Pattern = "/fax/"
	s.RecordRoute(inner)
	if s.Route() != "/fax/" {
		t.Errorf("route = %q, want the most specific request's", s.Route())
	}
}

func TestStateForkJoin(t *testing.T) {
	outer := NewState(nil, "r")
	outer.ClaimLog()
	fork := outer.Fork()
	p := &Principal{Tenant: "acme"}
	fork.SetPrincipal(p)
	r := httptest.NewRequest("GET", "/fax/1", nil)
	r.Pattern = "GET /fax/{id}"
	fork.RecordRoute(r)
	w := httptest.NewRecorder()
	Write(w, r.WithContext(NewContext(context.Background(), fork)), Cond(CondForbidden))
	if outer.Principal() != nil || outer.Rendered() || outer.Route() != "" {
		t.Fatal("the fork's changes reached the outer State before Join")
	}
	outer.Join(fork)
	if outer.Principal() != p || !outer.Rendered() || outer.Code() != "forbidden" || outer.Route() != "GET /fax/{id}" || outer.RequestID() != "r" {
		t.Errorf("after Join: principal %v rendered %v code %q route %q", outer.Principal(), outer.Rendered(), outer.Code(), outer.Route())
	}
	if outer.ClaimLog() {
		t.Error("Join lost the log claim")
	}
}

func TestStateForkDoesNotShareRenderedError(t *testing.T) {
	captureLog(t)
	outer := NewState(nil, "r")
	outer.MarkRendered(&Error{Code: "first", Status: 409})
	fork := outer.Fork()
	w := httptest.NewRecorder()
	Write(w, httptest.NewRequest("GET", "/", nil).WithContext(NewContext(context.Background(), fork)), Cond(CondInternal))
	outer.Join(fork)
	if outer.Code() != "first" {
		t.Errorf("code = %q, want the error rendered before the fork", outer.Code())
	}
}

func TestFailurePolicy(t *testing.T) {
	var calls int
	p := FailurePolicy{OnError: func(context.Context, error) { calls++ }}.Resolve(FailOpen, time.Second)
	if p.Mode != FailOpen || p.UnavailableRetryAfter != time.Second || p.Logger == nil {
		t.Fatalf("resolved = %+v", p)
	}
	p.Logger = slog.New(slog.DiscardHandler)
	if e := p.Fail(context.Background(), "test", io.EOF); e != nil || calls != 1 {
		t.Fatalf("fail open = %v, %d calls", e, calls)
	}
	p.Mode = FailClosed
	e := p.Fail(context.Background(), "test", io.EOF)
	if e == nil || e.Condition != CondUnavailable || e.RetryAfter != time.Second || e.Cause() != io.EOF || calls != 2 {
		t.Fatalf("fail closed = %+v, %d calls", e, calls)
	}
	if q := (FailurePolicy{Mode: FailClosed}).Resolve(FailOpen, 0); q.Mode != FailClosed || q.UnavailableRetryAfter != DefaultUnavailableRetryAfter {
		t.Fatalf("explicit mode and default Retry-After: %+v", q)
	}
}

func TestStateAttach(t *testing.T) {
	type k struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), k{}, "v"))
	s := NewState(nil, "r")
	ctx := s.Attach(parent)
	if StateFrom(ctx) != s || RequestID(ctx) != "r" {
		t.Fatal("the attached context does not carry the State")
	}
	if ctx.Value(k{}) != "v" {
		t.Error("the attached context lost its parent's values")
	}
	cancel()
	select {
	case <-ctx.Done():
	default:
		t.Error("the attached context is not cancelled with its parent")
	}
	if ctx.Err() != context.Canceled {
		t.Errorf("Err = %v", ctx.Err())
	}
	if StateFrom(NewContext(ctx, NewState(nil, "inner"))).RequestID() != "inner" {
		t.Error("NewContext over an attached context does not win")
	}
}

func TestStateJoinKeepsErrorRenderedBeforeFork(t *testing.T) {
	captureLog(t)
	outer := NewState(nil, "r")
	r := httptest.NewRequest("GET", "/", nil)
	Write(httptest.NewRecorder(), r.WithContext(outer.Attach(context.Background())), Cond(CondForbidden))
	fork := outer.Fork()
	Write(httptest.NewRecorder(), r.WithContext(NewContext(context.Background(), fork)), Cond(CondInternal))
	outer.Join(fork)
	if outer.Code() != "forbidden" || outer.Status() != 403 {
		t.Errorf("after Join: %q %d, want the error rendered before the fork", outer.Code(), outer.Status())
	}
	if StateFrom(outer.ctx.Context) != nil || outer.ctx.s != outer {
		t.Error("Join replaced the attached context")
	}
}
