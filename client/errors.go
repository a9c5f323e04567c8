package client

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Why a Transport stopped retrying, found with errors.Is on a *RetryError.
var (
	// ErrRetriesExhausted: the last attempt failed and MaxRetries were spent.
	ErrRetriesExhausted = errors.New("client: retries exhausted")
	// ErrBudgetExhausted: the retry budget refused another retry.
	ErrBudgetExhausted = errors.New("client: retry budget exhausted")
	// ErrNotReplayable: the request is not idempotent and has no
	// Idempotency-Key, or its body cannot be rewound.
	ErrNotReplayable = errors.New("client: request is not safe to replay")
	// ErrDeadline: the wait before the next attempt would end after the
	// context deadline, so the Transport returned at once instead of sleeping
	// in vain. errors.Is(err, context.DeadlineExceeded) is true as well.
	ErrDeadline error = deadlineError{}
)

type deadlineError struct{}

func (deadlineError) Error() string {
	return "client: next retry would pass the context deadline"
}
func (deadlineError) Is(target error) bool { return target == context.DeadlineExceeded }
func (deadlineError) Timeout() bool        { return true }

// RetryError is the error a Transport returns when it gives up without a
// response to hand back: a transport failure, or a retryable status whose
// next retry would pass the deadline. errors.As finds the last error's
// *ResponseError and *apierr.Error (when the last attempt got a response)
// or the transport error; errors.Is finds Reason.
type RetryError struct {
	// Method and URL identify the request (the URL without query or
	// credentials).
	Method, URL string
	// Attempts is how many attempts were sent.
	Attempts int
	// Err is the last attempt's error: a transport error, or a
	// *ResponseError holding the decoded error and its bounded body.
	Err error
	// Reason says why retrying stopped: ErrRetriesExhausted,
	// ErrBudgetExhausted, ErrNotReplayable, ErrDeadline, the context's
	// error, or nil when the last error was not retryable.
	Reason error
	// Wait is the wait that was not taken (with ErrDeadline).
	Wait time.Duration
}

// Error reads like "client: GET https://api.example.com/v1/x: 4 attempts:
// retries exhausted: 503 SERVICE_UNAVAILABLE: Service temporarily
// unavailable [request_id=…]".
func (e *RetryError) Error() string {
	b := make([]byte, 0, 128)
	b = append(b, "client: "...)
	b = append(b, e.Method...)
	b = append(b, ' ')
	b = append(b, e.URL...)
	b = append(b, ": "...)
	b = strconv.AppendInt(b, int64(e.Attempts), 10)
	if e.Attempts == 1 {
		b = append(b, " attempt"...)
	} else {
		b = append(b, " attempts"...)
	}
	if e.Reason != nil {
		b = append(b, ": "...)
		b = append(b, strings.TrimPrefix(e.Reason.Error(), "client: ")...)
		if e.Reason == ErrDeadline && e.Wait > 0 {
			b = append(b, " (wait "...)
			b = append(b, e.Wait.String()...)
			b = append(b, ')')
		}
	}
	if e.Err != nil {
		b = append(b, ": "...)
		b = append(b, strings.TrimPrefix(e.Err.Error(), "client: ")...)
	}
	return string(b)
}

// Unwrap returns Reason and Err.
func (e *RetryError) Unwrap() []error {
	if e.Reason == nil {
		return []error{e.Err}
	}
	return []error{e.Reason, e.Err}
}

// Timeout reports whether the Transport gave up on a deadline, so that
// net/http's url.Error.Timeout and net.Error checks see it.
func (e *RetryError) Timeout() bool {
	return errors.Is(e, context.DeadlineExceeded)
}
