package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// Outcome is the result of one check.
type Outcome string

// The outcomes. A skip never fails a run: it says what was not checked and why.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
)

// The checks, by the names the report uses. They are stable: scripts match on them.
const (
	CheckResponse        = "response"         // a response arrived (no transport error, no off-host redirect)
	CheckStatus          = "status"           // the status fits the case
	CheckContentType     = "content_type"     // JSON or problem+json
	CheckDecodes         = "decodes"          // the body decodes to an error with a code
	CheckCodeInCatalog   = "code_in_catalog"  // the code is in --catalog, with the status the catalog gives it
	CheckDocsURL         = "docs_url"         // the docs URL is well formed and, on BASE_URL's host, resolves
	CheckRequestID       = "request_id"       // a request ID in the header and the same one in the body
	CheckRetryAfter      = "retry_after"      // Retry-After on 429 and 503
	CheckWWWAuthenticate = "www_authenticate" // WWW-Authenticate on 401
	CheckAllow           = "allow"            // Allow on 405, listing the route's method
	CheckNoStackTrace    = "no_stack_trace"   // no stack trace in the body
	CheckNoFilePath      = "no_file_path"     // no source or file-system path in the body
	CheckNoSQL           = "no_sql"           // no SQL or database error in the body
	CheckNoEchoedKey     = "no_echoed_key"    // no credential the probe sent comes back in the body
	CheckIdempotency     = "idempotency"      // a reused Idempotency-Key with another body is refused
)

// Result is one row of the report: one check on the response to one request.
type Result struct {
	// Check is the check's name (see the Check* constants).
	Check string `json:"check"`
	// Request names the request of the battery, e.g. "unknown_endpoint".
	Request string `json:"request"`
	// Method and Path are what was sent (the path relative to the host).
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Status is the response's status, 0 when none arrived.
	Status int `json:"status,omitempty"`
	// Result is pass, fail or skip.
	Result Outcome `json:"result"`
	// Why explains the result in one line.
	Why string `json:"why"`
}

// Report is the outcome of a probe run.
type Report struct {
	// BaseURL is the URL probed.
	BaseURL string `json:"base_url"`
	// Requests is how many HTTP requests the probe started, docs look-ups
	// included (burst requests cancelled in flight count too).
	Requests int `json:"requests"`
	// Passed, Failed and Skipped count Results by outcome.
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	// Results are the rows, in the order the requests were sent.
	Results []Result `json:"results"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool { return r.Failed == 0 }

// Failures returns the failed rows.
func (r *Report) Failures() []Result {
	var out []Result
	for _, x := range r.Results {
		if x.Result == Fail {
			out = append(out, x)
		}
	}
	return out
}

// Has reports whether the report holds a row for check on request with the
// given outcome; request "" matches any request.
func (r *Report) Has(check, request string, o Outcome) bool {
	for _, x := range r.Results {
		if x.Check == check && (request == "" || x.Request == request) && x.Result == o {
			return true
		}
	}
	return false
}

func (r *Report) add(x Result) {
	switch x.Result {
	case Pass:
		r.Passed++
	case Fail:
		r.Failed++
	default:
		r.Skipped++
	}
	r.Results = append(r.Results, x)
}

// WriteTable writes the rows as an aligned table (check, request, result,
// why) and a summary line.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tREQUEST\tRESULT\tWHY")
	for _, x := range r.Results {
		req := x.Request
		if x.Status != 0 {
			req = fmt.Sprintf("%s (%d)", req, x.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Check, req, strings.ToUpper(string(x.Result)), oneLine(x.Why))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "the error contract holds"
	if !r.OK() {
		verdict = "the error contract is broken"
	}
	_, err := fmt.Fprintf(w, "\n%s: %d requests, %d checks: %d passed, %d failed, %d skipped — %s\n",
		r.BaseURL, r.Requests, r.Passed+r.Failed+r.Skipped, r.Passed, r.Failed, r.Skipped, verdict)
	return err
}

// WriteJSON writes the report as indented JSON with stable field names.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// oneLine keeps a table row on one line and bounded.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		cut := 197
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
