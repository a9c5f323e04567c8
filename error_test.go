package apierr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorIsAs(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	e := Wrap(cause, "not_found")
	wrapped := fmt.Errorf("loading fax: %w", e)
	if !errors.Is(wrapped, New("not_found")) {
		t.Error("errors.Is by code failed")
	}
	if errors.Is(wrapped, New("forbidden")) {
		t.Error("errors.Is matched another code")
	}
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) {
		t.Error("errors.Is does not see the cause")
	}
	var got *Error
	if !errors.As(wrapped, &got) || got != e {
		t.Error("errors.As failed")
	}
	if !errors.Is(Cond(CondRateLimited), Cond(CondRateLimited)) || errors.Is(Cond(CondRateLimited), Cond(CondTimeout)) {
		t.Error("errors.Is by condition")
	}
	if errors.Is(e, &Error{}) {
		t.Error("an empty target matched")
	}
	if CodeOf(wrapped) != "not_found" || CodeOf(io.EOF) != "" {
		t.Error("CodeOf")
	}
	if e.Cause() != cause || errors.Unwrap(e) != cause {
		t.Error("Cause/Unwrap")
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{New("x"), "apierr: x"},
		{Cond(CondTimeout), "apierr: timeout"},
		{&Error{}, "apierr: error"},
		{Errorf("insufficient_balance", "need %d", 5).WithStatus(402), "apierr: insufficient_balance (402): need 5"},
		{&Error{Code: "a", RequestID: "r1", cause: io.EOF}, "apierr: a [request_id=r1]: EOF"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestFrom(t *testing.T) {
	if From(nil) != nil {
		t.Error("From(nil)")
	}
	if got := From(io.EOF); got.Condition != CondInternal || got.Cause() != io.EOF {
		t.Errorf("plain error = %+v", got)
	}
	if got := From(fmt.Errorf("x: %w", context.DeadlineExceeded)); got.Condition != CondTimeout {
		t.Errorf("deadline = %+v", got)
	}
	mbe := &http.MaxBytesError{Limit: 10}
	if got := From(fmt.Errorf("read: %w", mbe)); got.Condition != CondPayloadTooLarge || got.Context["limit_bytes"] != int64(10) {
		t.Errorf("max bytes = %+v", got)
	}
	e := New("a")
	if From(e) != e {
		t.Error("From(*Error) is not identity")
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want int64
	}{{0, 0}, {-time.Second, 0}, {time.Nanosecond, 1}, {time.Second, 1}, {1001 * time.Millisecond, 2}, {45 * time.Second, 45}} {
		if got := New("a").WithRetryAfter(tt.d).RetryAfterSeconds(); got != tt.want {
			t.Errorf("%v → %d, want %d", tt.d, got, tt.want)
		}
	}
}

func TestResolve(t *testing.T) {
	c := faxCatalog(t)
	var dst Error
	t.Run("code fills defaults", func(t *testing.T) {
		c.Resolve(&dst, New("fax_not_terminal"))
		if dst.Status != 409 || dst.Action != "wait_for_completion" || dst.Docs == "" || dst.Title == "" {
			t.Errorf("%+v", dst)
		}
	})
	t.Run("set fields win", func(t *testing.T) {
		c.Resolve(&dst, New("fax_not_terminal").WithMessage("custom").WithStatus(423))
		if dst.Message != "custom" || dst.Status != 423 {
			t.Errorf("%+v", dst)
		}
	})
	t.Run("condition takes the bound code", func(t *testing.T) {
		c.Resolve(&dst, Cond(CondAuthMissing))
		if dst.Code != "api_key_missing" || dst.Status != 401 {
			t.Errorf("%+v", dst)
		}
	})
	t.Run("unbound condition takes the fallback", func(t *testing.T) {
		c.Resolve(&dst, Cond(CondIdempotencyKeyInUse))
		if dst.Code != "idempotency_key_in_use" || dst.Status != 409 || !strings.HasPrefix(dst.Docs, "https://mintfax.com/docs/errors/") {
			t.Errorf("%+v", dst)
		}
	})
	t.Run("unknown code becomes internal with a cause", func(t *testing.T) {
		c.Resolve(&dst, New("no_such_code"))
		if dst.Code != "internal_server_error" || dst.Status != 500 || !strings.Contains(dst.Cause().Error(), `"no_such_code"`) {
			t.Errorf("%+v", dst)
		}
	})
	t.Run("resolve does not change the source", func(t *testing.T) {
		src := New("not_found")
		c.Resolve(&dst, src)
		if src.Status != 0 || src.Message != "" {
			t.Errorf("source changed: %+v", src)
		}
	})
	t.Run("Err returns a resolved error", func(t *testing.T) {
		e := c.Err("insufficient_balance")
		if e.Status != 402 || e.Docs == "" {
			t.Errorf("%+v", e)
		}
		if u := c.Err("nope"); u.Status != 500 || u.Cause() == nil {
			t.Errorf("%+v", u)
		}
	})
}

func TestResolveValidationRule(t *testing.T) {
	c, err := NewCatalog(Spec{Codes: []Code{
		{ID: "VALIDATION_ERROR", Status: 422, Message: "Validation failed", Condition: CondValidationFailed},
		{ID: "INVALID_UUID", Status: 422, Message: "Validation failed", Rules: []string{"uuid"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var dst Error
	c.Resolve(&dst, Cond(CondValidationFailed).WithField("agentId", "uuid", "agentId must be a valid UUID"))
	if dst.Code != "INVALID_UUID" {
		t.Errorf("code = %q", dst.Code)
	}
	c.Resolve(&dst, Cond(CondValidationFailed).WithField("agentId", "required", "x"))
	if dst.Code != "VALIDATION_ERROR" {
		t.Errorf("code = %q", dst.Code)
	}
}
