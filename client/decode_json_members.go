package client

import (
	"net/http"
	"strings"
)

// The readers of memberTable. Each offers what its member says to the walk
// and reports whether the member marks the object as an error (which keeps
// a bare field map from being read as one).

// readString offers a string member to one candidate.
func readString(slot func(*jsonWalk) *cand, limit int) func(*jsonWalk, *objectState, any, hitAt) bool {
	return func(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
		s, ok := v.(string)
		if !ok {
			return false
		}
		if s = sanitize(s, limit); s == "" {
			return false
		}
		slot(j).offer(s, at.r)
		return true
	}
}

// readError: an "error" string is a code (apierr's envelope, seeds 001/002/
// 004, OAuth, Slack) unless it reads as a phrase (Spring Boot's "Not
// Found"), which is a title; an object is the nested error (followed last);
// a list holds error items or strings (Kraken).
func readError(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	switch t := v.(type) {
	case string:
		s := sanitize(t, maxMessage)
		if s == "" {
			return true
		}
		if s == http.StatusText(j.e.Status) || strings.ContainsRune(s, ' ') {
			j.title.offer(s, mkRank(1, o.depth, 0))
		} else {
			j.code.offer(s, at.r)
		}
	case map[string]any:
		o.later = append(o.later, t)
	case []any:
		j.list(t)
	default:
		return false
	}
	return true
}

// readCode: a string code; a number is a weak numeric code.
func readCode(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	if s, ok := v.(string); ok {
		if s = sanitize(s, maxMessage); s != "" {
			j.code.offer(s, at.r)
			return true
		}
		return false
	}
	if n, ok := intString(v); ok {
		j.code.offer(n, mkRank(tierNumber, o.depth, 0)) // Twilio's 20404; Google's HTTP status
	}
	return false
}

// readAWSType: AWS JSON protocols' "__type", namespaced.
func readAWSType(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	j.code.offer(sanitize(awsErrorType(s), maxMessage), at.r)
	return true
}

// readCodeList: a list of codes, the first the code (Checkout.com's
// error_codes; Microsoft identity's numeric error_codes).
func readCodeList(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return false
	}
	if s, ok := l[0].(string); ok {
		j.code.offer(sanitize(s, maxMessage), at.r)
	} else if n, ok := intString(l[0]); ok {
		j.code.offer(n, mkRank(tierNumber, o.depth, 1))
	}
	return true
}

// readReason: an identifier is a code (Google's legacy errors, Razorpay); a
// phrase is a message (Elasticsearch's "no such index [x]").
func readReason(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if s = sanitize(s, maxMessage*4); s == "" {
		return false
	}
	if isIdentifier(s) {
		j.code.offer(s, at.r)
	} else {
		j.message.offer(s, mkRank(1, o.depth, 0))
	}
	return true
}

// readMessage: a message; GitLab's map of field messages is field errors.
func readMessage(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	switch t := v.(type) {
	case string:
		if s := sanitize(t, maxMessage*4); s != "" {
			j.message.offer(s, at.r)
			return true
		}
	case map[string]any:
		if isFieldMap(t) {
			j.fieldMap(t)
			return true
		}
	}
	return false
}

// readMessageList: a list of messages (Jira's errorMessages, Klarna's
// error_messages): the first is the message.
func readMessageList(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	l, ok := v.([]any)
	if !ok {
		return false
	}
	for _, it := range l {
		if s, ok := it.(string); ok {
			if s = sanitize(s, maxMessage*4); s != "" {
				j.message.offer(s, at.r)
				return true
			}
		}
	}
	return false
}

// readDocs: a docs link. The members named for docs are taken as they are
// (a probe reports a docs member that is no URL); the looser names (link,
// recommend) only when they hold a URL.
func readDocs(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	s = sanitize(s, maxMessage*4)
	if s == "" || (at.name == "link" || at.name == "recommend") && !isURLRef(s) {
		return false
	}
	j.docs.offer(s, at.r)
	return true
}

// readType: an RFC 9457 problem type URI names the docs and, by its last
// segment, the code (a URI that names no problem, or about:blank, leaves
// the status's name); "error" as a discriminator (Anthropic, Intercom) is
// no code; any other string is a weak code (Stripe's "card_error",
// Plaid's error_type).
func readType(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	s = sanitize(s, maxMessage*4)
	switch {
	case s == "" || isDiscriminator(s):
	case s == "about:blank":
		j.offerStatusName(o.depth)
	case isURLRef(s) || strings.HasPrefix(s, "urn:") || strings.HasPrefix(s, "tag:"):
		if isURLRef(s) {
			j.docs.offer(s, mkRank(1, o.depth, 0))
		}
		if seg := problemTypeCode(s); seg != "" {
			j.code.offer(seg, mkRank(tierTypeURI, o.depth, 0))
		} else {
			j.offerStatusName(o.depth)
		}
	default:
		j.code.offer(s, at.r)
		if at.name == "type" {
			setContext(j.e, "type", s)
		}
	}
	return true
}

// offerStatusName offers the status's name ("not_found") as the weakest code.
func (j *jsonWalk) offerStatusName(depth int) {
	j.code.offer(statusName(j.e.Status), mkRank(tierStatusName, depth, 0))
}

// readStatus: a canonical code ("RESOURCE_EXHAUSTED", ElevenLabs'
// "quota_exceeded") is a weak code; numbers, numeric strings (GitHub's
// "422"), JSend's "error"/"fail" are not.
func readStatus(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	if s, ok := v.(string); ok && isCodeWord(s) {
		j.code.offer(s, at.r)
	}
	return false
}

// readName: PayPal's name, HubSpot's category, a JavaScript error's name.
func readName(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	if s, ok := v.(string); ok && (isCodeWord(s) || isErrorClass(s)) {
		j.code.offer(s, at.r)
	}
	return false
}

// readID: an id that is a word (DigitalOcean's "not_found") is a weak code;
// an id with digits is an instance, not a code.
func readID(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	if s, ok := v.(string); ok && isWord(s) {
		j.code.offer(s, at.r)
	}
	return false
}

// readLinks: PayPal's HATEOAS links, the one about the error.
func readLinks(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	l, ok := v.([]any)
	if !ok {
		return false
	}
	for _, it := range l {
		lm, ok := it.(map[string]any)
		if !ok {
			continue
		}
		rel, _ := lm["rel"].(string)
		href, _ := lm["href"].(string)
		if href != "" && (rel == "information_link" || rel == "help" || rel == "about" || rel == "describedby") {
			j.docs.offer(sanitize(href, maxMessage*4), at.r)
			break
		}
	}
	return false
}

// readHALLinks: HAL's _links.documentation (Mollie) or _links.about.
func readHALLinks(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	lm, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, rel := range []string{"documentation", "about", "help"} {
		if l, ok := lm[rel].(map[string]any); ok {
			if href, ok := l["href"].(string); ok && href != "" {
				j.docs.offer(sanitize(href, maxMessage*4), at.r)
				return false
			}
		}
	}
	return false
}

func readRetryable(j *jsonWalk, _ *objectState, v any, _ hitAt) bool {
	if b, ok := v.(bool); ok && b {
		j.e.Retryable = true
	}
	return false
}

func readRetryAfter(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	if d, ok := hintDuration(v); ok {
		j.offerRetry(d, at.r)
	}
	return false
}

func readRetryAfterMs(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	if n, ok := numberOf(v); ok && n > 0 {
		j.offerRetry(msDuration(n), at.r)
	}
	return false
}

// readDetail: a string (RFC 9457, seed 004, FastAPI), FastAPI's list, or
// an object holding the error (ElevenLabs, Apigee's fault detail).
func readDetail(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	switch t := v.(type) {
	case string:
		j.detail.offer(sanitize(t, maxMessage*4), at.r)
	case []any:
		j.list(t)
	case map[string]any:
		o.later = append(o.later, t)
	default:
		return false
	}
	return true
}

// readDetails: a string (seed 003), an object (seed 001, with its
// validation errors in details.errors), or a list (Google's typed
// details, Microsoft's nested errors).
func readDetails(j *jsonWalk, o *objectState, v any, _ hitAt) bool {
	switch t := v.(type) {
	case string:
		j.detail.offer(sanitize(t, maxMessage*4), mkRank(0, o.depth, 1))
	case map[string]any:
		switch l := t["errors"].(type) {
		case []any:
			j.list(l)
		case map[string]any:
			j.fieldMap(l)
		}
		setContext(j.e, "details", t)
	case []any:
		j.list(t)
	}
	return false
}

// readFieldRef: a field named at this level (seed 003's field, Stripe's
// param, Microsoft's target) is a field error with this object's message.
func readFieldRef(j *jsonWalk, o *objectState, v any, _ hitAt) bool {
	f, ok := v.(string)
	if !ok || f == "" || o.fieldDone {
		return false
	}
	o.fieldDone = true
	msg := j.detail.v
	if d, ok := o.m["details"].(string); ok && d != "" {
		msg = d
	}
	if msg == "" {
		msg, _ = o.m["message"].(string)
	}
	code, _ := o.m["code"].(string)
	j.addField(sanitize(f, maxMessage), sanitize(code, maxMessage), sanitize(msg, maxMessage*4))
	return false
}

// readErrors: a list of error items, a field map, or one message as a
// string (Shopify).
func readErrors(j *jsonWalk, o *objectState, v any, at hitAt) bool {
	switch t := v.(type) {
	case []any:
		j.list(t)
	case map[string]any:
		j.fieldMap(t)
	case string:
		j.message.offer(sanitize(t, maxMessage*4), at.r)
	default:
		return false
	}
	return true
}

// readFieldList: lists and maps of field errors under other names (RFC
// 9457's invalid-params, Okta's errorCauses, Replicate's invalid_fields).
func readFieldList(j *jsonWalk, _ *objectState, v any, _ hitAt) bool {
	switch t := v.(type) {
	case []any:
		j.list(t)
	case map[string]any:
		j.fieldMap(t)
	}
	return false
}

// readContext: apierr's envelope context, with field errors in
// context.errors and a retry hint in context.retry_after.
func readContext(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	ctx, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, cv := range ctx {
		switch k {
		case "errors":
			if fm, ok := cv.(map[string]any); ok {
				j.fieldMap(fm)
				continue
			}
			if l, ok := cv.([]any); ok {
				j.list(l)
				continue
			}
		case "retry_after", "retryAfter":
			if d, ok := hintDuration(cv); ok {
				j.offerRetry(d, at.r)
			}
		}
		setContext(j.e, k, cv)
	}
	return false
}

// readInnerError: Microsoft's innererror chain.
func readInnerError(j *jsonWalk, _ *objectState, v any, _ hitAt) bool {
	if ie, ok := v.(map[string]any); ok {
		j.innerError(ie, 0)
	}
	return false
}

// readContextString keeps a string member in Context under the row's name.
func readContextString(j *jsonWalk, _ *objectState, v any, at hitAt) bool {
	if s, ok := v.(string); ok && s != "" {
		setContext(j.e, at.name, sanitize(s, maxMessage))
	}
	return false
}

// readWrapper: an object holding the error one level down.
func readWrapper(_ *jsonWalk, o *objectState, v any, _ hitAt) bool {
	if m, ok := v.(map[string]any); ok {
		o.later = append(o.later, m)
	}
	return false
}
