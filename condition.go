package apierr

// Condition names a well-known failure that apierr's middleware raise. Nothing
// below the catalog knows a code by name: the middleware raise conditions and
// each catalog binds a condition to its own code (`condition:` in YAML). A
// catalog that binds none for a condition falls back to the default catalog's
// code, restyled to the catalog's id case.
type Condition string

// The built-in conditions. The list is append-only: values are stable.
const (
	CondEndpointNotFound      Condition = "endpoint_not_found"
	CondMethodNotAllowed      Condition = "method_not_allowed"
	CondMalformedBody         Condition = "malformed_body"
	CondUnsupportedMediaType  Condition = "unsupported_media_type"
	CondPayloadTooLarge       Condition = "payload_too_large"
	CondValidationFailed      Condition = "validation_failed"
	CondAuthMissing           Condition = "auth_missing"
	CondAuthMalformed         Condition = "auth_malformed"
	CondAuthInvalid           Condition = "auth_invalid"
	CondForbidden             Condition = "forbidden"
	CondTenantInactive        Condition = "tenant_inactive"
	CondNotFound              Condition = "not_found"
	CondRateLimited           Condition = "rate_limited"
	CondConcurrencyLimited    Condition = "concurrency_limited"
	CondQuotaExceeded         Condition = "quota_exceeded"
	CondIdempotencyKeyMissing Condition = "idempotency_key_missing"
	CondIdempotencyKeyInUse   Condition = "idempotency_key_in_use"
	CondIdempotencyKeyReused  Condition = "idempotency_key_reused"
	CondInternal              Condition = "internal"
	CondUnavailable           Condition = "unavailable"
	CondTimeout               Condition = "timeout"
	// CondTokenInvalid is a bearer token (e.g. an OIDC JWT) that fails
	// verification. It refines CondAuthInvalid: a catalog that binds
	// auth_invalid but not token_invalid renders token failures with its
	// auth_invalid code.
	CondTokenInvalid Condition = "token_invalid"
	// CondRequestTimeout is a request whose body did not arrive in time
	// (too slowly, or not at all): a 408, after which the server closes
	// the connection. CondTimeout is the server being too slow.
	CondRequestTimeout Condition = "request_timeout"
)

// refines maps a condition to the broader one it falls back to, within the
// same catalog, before the default catalog is consulted.
var refines = map[Condition]Condition{
	CondTokenInvalid: CondAuthInvalid,
}

// Conditions lists every built-in condition in a stable order.
var Conditions = []Condition{
	CondEndpointNotFound, CondMethodNotAllowed, CondMalformedBody, CondUnsupportedMediaType,
	CondPayloadTooLarge, CondValidationFailed, CondAuthMissing, CondAuthMalformed,
	CondAuthInvalid, CondForbidden, CondTenantInactive, CondNotFound, CondRateLimited,
	CondConcurrencyLimited, CondQuotaExceeded, CondIdempotencyKeyMissing,
	CondIdempotencyKeyInUse, CondIdempotencyKeyReused, CondInternal, CondUnavailable,
	CondTimeout, CondTokenInvalid, CondRequestTimeout,
}

// Valid reports whether c is a built-in condition.
func (c Condition) Valid() bool {
	for _, k := range Conditions {
		if k == c {
			return true
		}
	}
	return false
}
