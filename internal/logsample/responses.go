package logsample

import (
	"context"
	"log/slog"
	"strconv"
	"time"
)

// ResponseKey is what the error-response records are counted by: the
// catalog code, and the status (a response may carry no code).
type ResponseKey struct {
	Code   string
	Status int
}

// Responses is the sampler of error-response records, each let through
// with its route (a summary names the last one's).
type Responses = Sampler[ResponseKey, string]

// NewResponses returns the sampler of the error-response records that
// middleware.Stack and the framework adapters write, or nil when first is
// negative (every record is written). first 0 and interval 0 are the
// defaults the caller passes in. A summary goes to logger at the level the
// responses had (level for a 4xx, error for a 5xx):
//
//	msg="apierr: 12,345 more 429 rate_limited responses in the last 10s" code=rate_limited status=429 suppressed=12345 interval=10s since=… route="GET /fax/{id}"
func NewResponses(first, defaultFirst int, interval, defaultInterval time.Duration,
	afterFunc func(time.Duration, func()) func() bool,
	logger *slog.Logger, level func(status int, code string) slog.Level) *Responses {
	if first < 0 {
		return nil
	}
	if first == 0 {
		first = defaultFirst
	}
	if interval <= 0 {
		interval = defaultInterval
	}
	return New(Config{First: first, Interval: interval, AfterFunc: afterFunc},
		func(sum Summary[ResponseKey, string]) {
			lvl := slog.LevelError
			if sum.Key.Status < 500 {
				lvl = level(sum.Key.Status, sum.Key.Code)
			}
			msg := "apierr: " + Thousands(sum.Suppressed) + " more " + strconv.Itoa(sum.Key.Status) + " " + sum.Key.Code +
				" responses in the last " + sum.Interval.String()
			logger.LogAttrs(context.Background(), lvl, msg,
				slog.String("code", sum.Key.Code),
				slog.Int("status", sum.Key.Status),
				slog.Int64("suppressed", sum.Suppressed),
				slog.Duration("interval", sum.Interval),
				slog.Time("since", sum.Start),
				slog.String("route", sum.Last))
		})
}

// ResponseRecord returns the record of one error response, as every apierr
// runtime writes it (middleware.Stack, the framework adapters): the
// request ID, code, status, method, route, path and latency, and for a 5xx
// the cause (when there is one) and the stack of a recovered panic (when
// there was one).
func ResponseRecord(now time.Time, level slog.Level, requestID, code string, status int,
	method, route, path string, latency time.Duration, cause error, stack []byte) slog.Record {
	rec := slog.NewRecord(now, level, "apierr: error response", 0)
	rec.AddAttrs(
		slog.String("request_id", requestID),
		slog.String("code", code),
		slog.Int("status", status),
		slog.String("method", method),
		slog.String("route", route),
		slog.String("path", path),
		slog.Duration("latency", latency),
	)
	if status >= 500 {
		if cause != nil {
			rec.AddAttrs(slog.String("cause", cause.Error()))
		}
		if stack != nil {
			rec.AddAttrs(slog.String("stack", string(stack)))
		}
	}
	return rec
}
