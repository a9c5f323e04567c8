package client

import (
	"net/http"
	"strings"
)

// RequestIDHeaders are the response headers Decode reads a request ID from
// when the body carries none, in order of preference. The API's own IDs come
// before those of CDNs and proxies (CF-Ray last).
var RequestIDHeaders = []string{
	"X-Request-Id",
	"Request-Id",
	"X-Amzn-Requestid",
	"X-Amz-Request-Id",
	"X-Ms-Request-Id",
	"X-Github-Request-Id",
	"Twilio-Request-Id",
	"Paypal-Debug-Id",
	"Opc-Request-Id",
	"X-Shopify-Request-Id",
	"X-Okta-Request-Id",
	"X-Hubspot-Correlation-Id",
	"X-Dropbox-Request-Id",
	"Apim-Request-Id",
	"Intuit_tid",
	"X-Ms-Correlation-Request-Id",
	"Apigw-Requestid",
	"X-Amz-Apigw-Id",
	"X-Slack-Req-Id",
	"Fly-Request-Id",
	"X-Vercel-Id",
	"X-Correlation-Id",
	"X-Trace-Id",
	"X-Cloud-Trace-Context",
	"X-Amz-Cf-Id",
	"Cf-Ray",
}

// requestIDFromHeader returns the first non-empty request-ID header.
func requestIDFromHeader(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	for _, k := range RequestIDHeaders {
		if v := h[k]; len(v) > 0 {
			if s := sanitize(v[0], 128); s != "" {
				return s
			}
		}
	}
	return ""
}

// RetryableStatus reports whether a response with this status may succeed if
// the same request is sent again later: 408, 425, 429, 500, 502, 503, 504,
// and of the statuses outside the registry that CDNs and overloaded
// services send, 509, 520–524, 527 and 529 (not 499, 525, 526).
func RetryableStatus(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return outsideStatuses[status].retryable
}

// awsErrorType returns the error code of an AWS x-amzn-ErrorType header or
// __type member: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
// and "ValidationException:http://internal.amazon.com/..." both give the bare
// exception name.
func awsErrorType(s string) string {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// throttlingCodes are error codes that mean "slow down and retry" even when
// the status is a plain 400 (AWS throttles with 400 ThrottlingException).
var throttlingCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestThrottledException": true, "TooManyRequestsException": true,
	"ProvisionedThroughputExceededException": true, "RequestLimitExceeded": true,
	"BandwidthLimitExceeded": true, "RequestThrottled": true, "SlowDown": true,
	"PriorRequestNotComplete": true, "EC2ThrottledException": true,
	"TransactionInProgressException": true, "RequestTimeout": true,
	"RequestTimeoutException": true, "InternalError": true, "ServiceUnavailable": true,
	"RESOURCE_EXHAUSTED": true, "UNAVAILABLE": true,
}
