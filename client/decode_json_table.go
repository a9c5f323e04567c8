package client

// The member table: what each JSON member of an error object means.
//
// A member is matched by its normalized name: ASCII lower case, with "_"
// and "-" dropped except at the start, so "request_id", "requestId",
// "RequestID" and "request-id" are one alias, while "__type" (AWS) and
// "_links" (HAL) stay apart from "type" and "links".
//
// Precedence is written in the table, three ways:
//
//   - Rows are applied in table order, so side effects that accumulate
//     (field errors, Context) come out in this order.
//   - Each row has a tier; a value found by a lower tier beats one found by
//     a higher tier, wherever in the document each was found. For codes,
//     tiers 0–1 are strong (the body names its code) and the rest weak (a
//     guess: a header such as x-amzn-ErrorType beats them).
//   - Within a tier, the outer object beats the inner one (a wrapper's
//     members beat those of the object it wraps), then the alias listed
//     first in the row beats the later ones.
//
// Wrapper members (error, fault, data, response, …) are followed, up to
// maxDepth objects deep, after every member of the object holding them.
type memberRow struct {
	names []string // aliases, best first; the first is also the name Context uses
	tier  int
	read  func(j *jsonWalk, o *objectState, v any, at hitAt) bool
}

// hitAt is where a member was found: the rank its values are offered at
// and the alias that matched.
type hitAt struct {
	r    rank
	name string // the row's spelling of the alias
}

// Code tiers. tierStrongest is the last tier whose code the body names
// outright.
const (
	tierCode       = 0 // error (an identifier), code, __type, error_codes
	tierReason     = 1 // reason (an identifier), google.rpc.ErrorInfo's reason
	tierStrongest  = tierReason
	tierTypeURI    = 2 // an RFC 9457 problem type URI's last segment
	tierStatus     = 3 // status as a canonical code (Google's RESOURCE_EXHAUSTED)
	tierName       = 4 // name, category (PayPal's VALIDATION_ERROR, HubSpot's category)
	tierItem       = 5 // the first error list item's code
	tierType       = 6 // type / error_type as a plain string (Stripe's "card_error": a category)
	tierID         = 7 // id as a word (DigitalOcean's and Heroku's "not_found")
	tierNumber     = 8 // a numeric code (Twilio's 20404, an HTTP status in "code")
	tierStatusName = 9 // about:blank, or a type URI that names no problem: the status's name
)

var memberTable = []memberRow{
	// Codes, and the members that are a code or a message by their shape.
	{names: []string{"error"}, tier: tierCode, read: readError},
	{names: []string{"code", "error_code", "errcode", "fault_code"}, tier: tierCode, read: readCode},
	{names: []string{"__type"}, tier: tierCode, read: readAWSType},
	{names: []string{"error_codes"}, tier: tierCode, read: readCodeList},
	{names: []string{"reason"}, tier: tierReason, read: readReason},

	// Text.
	{names: []string{"message", "error_message", "error_description", "msg", "description",
		"error_summary", "faultstring", "error_msg"}, tier: 0, read: readMessage},
	{names: []string{"error_messages"}, tier: 1, read: readMessageList},
	{names: []string{"title"}, tier: 0, read: readString(func(j *jsonWalk) *cand { return &j.title }, maxMessage*4)},
	{names: []string{"action"}, tier: 0, read: readString(func(j *jsonWalk) *cand { return &j.action }, maxMessage*4)},
	{names: []string{"docs", "doc_url", "documentation_url", "docs_url", "more_info", "help_url",
		"documentation", "help", "error_uri", "error_url", "link", "recommend"}, tier: 0, read: readDocs},
	{names: []string{"request_id", "trace_id", "correlation_id", "debug_id", "fbtrace_id",
		"x_request_id", "error_id", "psp_reference"}, tier: 0,
		read: readString(func(j *jsonWalk) *cand { return &j.requestID }, 128)},
	{names: []string{"instance"}, tier: 0, read: readString(func(j *jsonWalk) *cand { return &j.instance }, maxMessage*4)},

	// Weak codes.
	{names: []string{"type", "error_type"}, tier: tierType, read: readType},
	{names: []string{"status"}, tier: tierStatus, read: readStatus},
	{names: []string{"name", "category"}, tier: tierName, read: readName},
	{names: []string{"links"}, tier: 2, read: readLinks},
	{names: []string{"_links"}, tier: 2, read: readHALLinks},
	{names: []string{"id"}, tier: tierID, read: readID},

	// Retrying.
	{names: []string{"retryable", "retriable", "is_retryable"}, tier: 0, read: readRetryable},
	{names: []string{"retry_after", "retry_after_seconds", "retry_after_secs", "retry_delay",
		"estimated_time"}, tier: 0, read: readRetryAfter},
	{names: []string{"retry_after_ms"}, tier: 0, read: readRetryAfterMs},

	// Detail and field errors.
	{names: []string{"detail"}, tier: 0, read: readDetail},
	{names: []string{"details"}, tier: 0, read: readDetails},
	{names: []string{"field", "param", "target"}, tier: 0, read: readFieldRef},
	{names: []string{"errors"}, tier: 1, read: readErrors},
	{names: []string{"invalid_params", "violations", "validation_errors", "field_errors",
		"error_causes", "invalid_fields", "invalid_parameters"}, tier: 0, read: readFieldList},
	{names: []string{"context"}, tier: 1, read: readContext},
	{names: []string{"innererror"}, tier: 1, read: readInnerError},
	{names: []string{"decline_code", "domain"}, tier: 0, read: readContextString},

	// Wrappers: objects that hold the error one level down.
	{names: []string{"fault", "data", "response", "result", "body", "payload", "parameters",
		"error_response", "err"}, tier: 0, read: readWrapper},
}

// memberID is a row of memberTable and an alias in it.
type memberID struct{ row, alias uint8 }

// memberIndex maps normalized names to their row and alias.
var memberIndex = func() map[string]memberID {
	idx := make(map[string]memberID)
	for r, row := range memberTable {
		for a, name := range row.names {
			n := normalizeMember(name)
			if _, dup := idx[n]; dup {
				panic("client: member " + name + " is in the table twice")
			}
			idx[n] = memberID{row: uint8(r), alias: uint8(a)}
		}
	}
	return idx
}()

// normalizeMember is the table's spelling of a member name (see above).
func normalizeMember(k string) string {
	b := make([]byte, 0, len(k))
	return string(appendNormalized(b, k))
}

func appendNormalized(b []byte, k string) []byte {
	lead := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c == '_' || c == '-' {
			if !lead {
				continue
			}
		} else {
			lead = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// lookupMember finds the row of a member name, without allocating.
func lookupMember(k string) (memberID, bool) {
	if len(k) > 32 {
		return memberID{}, false
	}
	var buf [32]byte
	id, ok := memberIndex[string(appendNormalized(buf[:0], k))]
	return id, ok
}

// hit is one member of an object that the table knows.
type hit struct {
	id  memberID
	key string
	v   any
}

// sortHits orders hits by row, then alias, then name (map order is random;
// the outcome must not be). An object has a handful of known members, so
// insertion sort.
func sortHits(h []hit) {
	less := func(a, b *hit) bool {
		if a.id.row != b.id.row {
			return a.id.row < b.id.row
		}
		if a.id.alias != b.id.alias {
			return a.id.alias < b.id.alias
		}
		return a.key < b.key
	}
	for i := 1; i < len(h); i++ {
		for k := i; k > 0 && less(&h[k], &h[k-1]); k-- {
			h[k], h[k-1] = h[k-1], h[k]
		}
	}
}
