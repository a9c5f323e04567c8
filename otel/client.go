package apierrotel

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/apierr/apierr/client"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys of the client-side "apierr.client.attempt" events.
const (
	// AttemptKey is the attempt's number, from 1.
	AttemptKey = attribute.Key("apierr.client.attempt")
	// WaitKey is the wait, in seconds, the Transport chose before the next
	// attempt (absent on the last attempt).
	WaitKey = attribute.Key("apierr.client.wait")
	// GiveUpKey says why the Transport stopped retrying, on the last
	// attempt's event when it gave up: "retries_exhausted",
	// "budget_exhausted", "not_replayable", "deadline" or "canceled".
	GiveUpKey = attribute.Key("apierr.client.give_up")
)

// AttemptEvent is the name of the span event recorded for each attempt.
const AttemptEvent = "apierr.client.attempt"

// InstrumentTransport makes t record each of its attempts on the caller's
// span (the span in the request's context) and returns t as the
// RoundTripper to use:
//
//	t := &client.Transport{Base: otelhttp.NewTransport(http.DefaultTransport)}
//	hc := &http.Client{Transport: tel.InstrumentTransport(t)}
//
// Each attempt adds one "apierr.client.attempt" event: the attempt's number
// (apierr.client.attempt, and http.request.resend_count from the second),
// its status (http.response.status_code), the decoded catalog code of a
// failed attempt (error.type: the code the server sent, else the status
// number, else the transport error's type), the server's request ID, and,
// when another attempt follows, the wait the Transport chose
// (apierr.client.wait, seconds). The last attempt's event says why the
// Transport gave up (apierr.client.give_up) when it returned an error;
// a last attempt it hands back as a response carries its status, whose
// body (and code) is the caller's to read. With otelhttp's
// Transport as Base each attempt also gets a client span of its own, as the
// HTTP conventions recommend; without it the caller's span holds them all.
//
// It sets t.OnRetry, calling any OnRetry t already had first: call it
// before t's first use. The last attempt's status error is left to the
// caller: a retried 503 is an event on its span, not its failure.
func (t *Telemetry) InstrumentTransport(tr *client.Transport) http.RoundTripper {
	prev := tr.OnRetry
	tr.OnRetry = func(ev client.RetryEvent) {
		if prev != nil {
			prev(ev)
		}
		span := trace.SpanFromContext(ev.Request.Context())
		if !span.IsRecording() {
			return
		}
		attrs := make([]attribute.KeyValue, 0, 7)
		attrs = attemptAttrs(attrs, ev.Attempt, ev.StatusCode, ev.Err, ev.RequestID)
		attrs = append(attrs, WaitKey.Float64(ev.Wait.Seconds()))
		span.AddEvent(AttemptEvent, trace.WithAttributes(attrs...))
	}
	return instrumented{tr}
}

type instrumented struct{ t *client.Transport }

// RoundTrip sends req through the Transport and records its last attempt.
func (i instrumented) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := i.t.RoundTrip(req)
	span := trace.SpanFromContext(req.Context())
	if !span.IsRecording() {
		return resp, err
	}
	attrs := make([]attribute.KeyValue, 0, 7)
	if err != nil {
		var re *client.RetryError
		n, last := 1, err
		if errors.As(err, &re) {
			n = re.Attempts
			if re.Err != nil {
				last = re.Err
			}
		}
		attrs = attemptAttrs(attrs, n, statusOf(last), last, requestIDOf(last))
		if re != nil && re.Reason != nil {
			attrs = append(attrs, GiveUpKey.String(giveUpReason(re.Reason)))
		}
		span.AddEvent(AttemptEvent, trace.WithAttributes(attrs...))
		return resp, err
	}
	n := client.Attempts(resp)
	attrs = attemptAttrs(attrs, n, resp.StatusCode, nil, "")
	if resp.StatusCode >= 400 {
		// The body is the caller's to read; its status names the error.
		attrs = append(attrs, semconv.ErrorTypeKey.String(strconv.Itoa(resp.StatusCode)))
	}
	span.AddEvent(AttemptEvent, trace.WithAttributes(attrs...))
	return resp, err
}

func attemptAttrs(attrs []attribute.KeyValue, attempt, status int, err error, rid string) []attribute.KeyValue {
	attrs = append(attrs, AttemptKey.Int(attempt))
	if attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(attempt-1))
	}
	if status > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(status))
	}
	if err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(err, status)))
	}
	if rid != "" {
		attrs = append(attrs, RequestIDKey.String(rid))
	}
	return attrs
}

// errorType is the decoded catalog code of a failed attempt, else its
// status, else the transport error's Go type.
func errorType(err error, status int) string {
	var re *client.ResponseError
	if errors.As(err, &re) && re.API != nil && re.API.Code != "" {
		return re.API.Code
	}
	if status > 0 {
		return strconv.Itoa(status)
	}
	return typeName(err)
}

func statusOf(err error) int {
	var re *client.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

func requestIDOf(err error) string {
	var re *client.ResponseError
	if errors.As(err, &re) && re.API != nil {
		return re.API.RequestID
	}
	return ""
}

// giveUpReason names a RetryError's Reason for GiveUpKey.
func giveUpReason(reason error) string {
	switch {
	case errors.Is(reason, client.ErrRetriesExhausted):
		return "retries_exhausted"
	case errors.Is(reason, client.ErrBudgetExhausted):
		return "budget_exhausted"
	case errors.Is(reason, client.ErrNotReplayable):
		return "not_replayable"
	case errors.Is(reason, client.ErrDeadline), errors.Is(reason, context.DeadlineExceeded):
		return "deadline"
	default:
		return "canceled"
	}
}
