package client

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/apierr/apierr"
)

// fromJSON fills e from a JSON body of any of the shapes the package doc
// lists. Every member is optional and read through the member table
// (decode_json_table.go), so one walk covers the families and their
// mixtures. It returns the weak code (a code guessed from a member that
// only sometimes is one: a problem type, a canonical status, a list item's
// code), which the caller applies only when no header names a code, and
// reports false when the body is not JSON.
func fromJSON(e *apierr.Error, body []byte) (weak string, ok bool) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "", false
	}
	switch t := v.(type) {
	case map[string]any:
		j := newWalk(e)
		defer j.release()
		j.object(t, 0)
		return j.finish(), true
	case []any: // a bare list of errors
		j := newWalk(e)
		defer j.release()
		j.list(t)
		return j.finish(), true
	case string:
		e.Message = sanitize(t, maxMessage)
		return "", true
	}
	return "", false
}

// walks recycles jsonWalks: the readers are called through the table's
// function values, so a walk on the stack would escape to the heap on
// every decode.
var walks = sync.Pool{New: func() any { return new(jsonWalk) }}

func newWalk(e *apierr.Error) *jsonWalk {
	j := walks.Get().(*jsonWalk)
	j.e = e
	return j
}

// release clears j (it must hold no document) and returns it to the pool.
func (j *jsonWalk) release() {
	states := j.states
	*j = jsonWalk{}
	for i := range states {
		clear(states[i].laterBuf[:])
	}
	walks.Put(j)
}

// rank orders the candidates for one member of the error: by tier (what
// kind of member said it, from the table), then by depth (outer objects
// first), then by the alias's place in its row. Lower wins; on a tie the
// first candidate found stays.
type rank uint32

func mkRank(tier, depth, alias int) rank {
	return rank(min(tier, 255)<<16 | min(depth, 255)<<8 | min(alias, 255))
}

func (r rank) tier() int { return int(r >> 16) }

// cand is the best value found so far for one member of the error.
type cand struct {
	v string
	r rank
}

func (c *cand) offer(v string, r rank) {
	if v != "" && (c.v == "" || r < c.r) {
		c.v, c.r = v, r
	}
}

// jsonWalk collects candidates while it walks a document; finish writes the
// winners to the error.
type jsonWalk struct {
	e                                  *apierr.Error
	code, message, title, detail, docs cand
	requestID, instance, action        cand
	itemMessage, itemTitle             cand
	retryAfter                         time.Duration
	retryRank                          rank
	hasRetry                           bool
	states                             [maxDepth + 1]objectState // one per depth: no object's state is allocated
}

// maxDepth bounds how deep wrapper members ("error", "data", "fault", …)
// are followed.
const maxDepth = 4

func (j *jsonWalk) offerRetry(d time.Duration, r rank) {
	if d > 0 && (!j.hasRetry || r < j.retryRank) {
		j.retryAfter, j.retryRank, j.hasRetry = d, r, true
	}
}

// finish writes the winning candidates to the error and returns the weak
// code, if the best code is one.
func (j *jsonWalk) finish() (weak string) {
	e := j.e
	if j.code.v != "" {
		if j.code.r.tier() <= tierStrongest {
			e.Code = j.code.v
		} else {
			weak = j.code.v
		}
	}
	e.Message, e.Title, e.Detail = j.message.v, j.title.v, j.detail.v
	e.Docs, e.RequestID, e.Instance, e.Action = j.docs.v, j.requestID.v, j.instance.v, j.action.v
	if e.Message == "" && e.Detail == "" && e.Title == "" {
		e.Message = j.itemMessage.v
	}
	if e.Title == "" {
		e.Title = j.itemTitle.v
	}
	if j.hasRetry {
		e.RetryAfter = j.retryAfter
	}
	return weak
}

// object reads one JSON object: the top-level body, or one found under a
// wrapper member. Members are matched against the table by their
// normalized name and applied in table order, so the table alone decides
// precedence; wrapper objects are read after every member of this one.
func (j *jsonWalk) object(m map[string]any, depth int) {
	if depth > maxDepth {
		return
	}
	if kind, _ := m["kind"].(string); kind == "Status" {
		j.kubernetes(m, depth)
		return
	}
	var buf [24]hit
	hits := buf[:0]
	for k, v := range m {
		if id, ok := lookupMember(k); ok {
			hits = append(hits, hit{id: id, key: k, v: v})
		}
	}
	sortHits(hits)
	o := &j.states[depth]
	*o = objectState{m: m, depth: depth}
	o.later = o.laterBuf[:0]
	for _, h := range hits {
		row := &memberTable[h.id.row]
		at := hitAt{r: mkRank(row.tier, depth, int(h.id.alias)), name: row.names[h.id.alias]}
		if row.read(j, o, h.v, at) {
			o.known = true
		}
	}
	if depth == 0 && isProblem(m) {
		// RFC 9457 extension members are the problem type's own data.
		for k, v := range m {
			if !problemMembers[k] {
				setContext(j.e, k, v)
			}
		}
	}
	if !o.known && j.code.v == "" && j.message.v == "" && len(j.e.Fields) == 0 && isFieldMap(m) {
		// {"email": ["is invalid"]}: a bare field-keyed map of messages
		// (Rails, Django REST framework).
		j.fieldMap(m)
	}
	for i := 0; i < len(o.later); i++ { // o stays valid: deeper objects use deeper states
		j.object(o.later[i], depth+1)
	}
}

// objectState is what the readers of one object share.
type objectState struct {
	m         map[string]any
	depth     int
	known     bool             // a member said this object is an error
	fieldDone bool             // the object's own field/param/target was read
	later     []map[string]any // wrapper objects, read after this one
	laterBuf  [2]map[string]any
}

// isFieldMap reports whether every member of m is a non-empty list of
// strings, the shape of a bare field-keyed map of messages. Requiring lists
// keeps {"status": "down", "reason": "maintenance"} from passing as fields.
func isFieldMap(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for _, v := range m {
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return false
		}
		for _, it := range l {
			if _, ok := it.(string); !ok {
				return false
			}
		}
	}
	return true
}

// isProblem reports whether m looks like an RFC 9457 problem document.
func isProblem(m map[string]any) bool {
	_, title := m["title"].(string)
	_, typ := m["type"].(string)
	_, detail := m["detail"].(string)
	return title && (typ || detail)
}

// problemMembers are the members Decode maps onto apierr.Error fields; the
// others of a problem document go to Context.
var problemMembers = map[string]bool{
	"type": true, "title": true, "status": true, "detail": true, "instance": true,
	"code": true, "action": true, "request_id": true, "retry_after": true,
	"errors": true, "context": true, "invalid-params": true, "invalid_params": true,
	"traceId": true, "trace_id": true, "requestId": true,
}
