package fax

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// seedCase is one documented error of seed 000 triggered by a real request.
// want is the body the seed documents (the envelope with its docs permalink;
// the seed's own example where it gives one), without request_id, which
// must equal the X-Request-ID header. The seed leaves the wording of context
// hints open, so a want string "~text" matches any string containing text.
type seedCase struct {
	name   string
	cfg    Config // the server's configuration, when the case needs its own
	send   func(e *env) response
	status int
	want   string
	header map[string]string
}

const docs = "https://mintfax.com/docs/errors/"

var onePage = pdf(1)

func seedCases() []seedCase {
	return []seedCase{
		requestTimeoutCase(),
		{
			name: "validation_failed: to missing and file not a document (the seed's example)",
			send: func(e *env) response {
				return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(`{"file":"aGVsbG8="}`), jsonCT)
			},
			status: 422,
			want: `{"error":"validation_failed","message":"The to field is required.","action":"fix_request",
				"docs":"` + docs + `validation-failed","context":{"errors":{"to":["The to field is required."],
				"file":["The file must be a PDF, TIFF, or JPEG."]}}}`,
		},
		{
			name:   "validation_failed: multipart, number not E.164, no file",
			send:   func(e *env) response { return e.sendMultipart(DemoSandboxKey, "555-0123", nil) },
			status: 422,
			want: `{"error":"validation_failed","message":"` + msgToE164 + `","action":"fix_request",
				"docs":"` + docs + `validation-failed","context":{"errors":{"to":["` + msgToE164 + `"],
				"file":["The file field is required."]}}}`,
		},
		{
			name: "validation_failed: file over 10 MB",
			send: func(e *env) response {
				return e.sendMultipart(DemoSandboxKey, "+14155550123", append(pdf(1), make([]byte, 10<<20)...))
			},
			status: 422,
			want: `{"error":"validation_failed","message":"The file may not be greater than 10 MB.","action":"fix_request",
				"docs":"` + docs + `validation-failed","context":{"errors":{"file":["The file may not be greater than 10 MB."]}}}`,
		},
		{
			name: "validation_failed: multipart body too large to read (refused on Content-Length)",
			send: func(e *env) response {
				return e.sendMultipart(DemoSandboxKey, "+14155550123", append(pdf(1), make([]byte, 11<<20)...))
			},
			status: 422,
			want: `{"error":"validation_failed","message":"The file may not be greater than 10 MB.","action":"fix_request",
				"docs":"` + docs + `validation-failed","context":{"errors":{"file":["The file may not be greater than 10 MB."]}}}`,
		},
		{
			name: "validation_failed: JSON, file over 10 MB once decoded",
			send: func(e *env) response {
				return e.sendJSON(DemoSandboxKey, "+14155550123", append(pdf(1), make([]byte, 10<<20)...), nil)
			},
			status: 422,
			want: `{"error":"validation_failed","message":"The file may not be greater than 10 MB.","action":"fix_request",
				"docs":"` + docs + `validation-failed","context":{"errors":{"file":["The file may not be greater than 10 MB."]}}}`,
		},
		{
			name: "validation_failed: JSON file not base64",
			send: func(e *env) response {
				return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(`{"to":"+14155550123","file":"%%%"}`), jsonCT)
			},
			status: 422,
			want: `{"error":"validation_failed","message":"The file must be base64-encoded.","action":"fix_request",
				"docs":"` + docs + `validation-failed","context":{"errors":{"file":["The file must be base64-encoded."]}}}`,
		},
		{
			name: "unauthenticated: Authorization is not a Bearer key",
			send: func(e *env) response {
				return e.do("GET", "/account/balance", "", nil, map[string]string{"Authorization": "Basic dXNlcjpwYXNz"})
			},
			status: 401,
			want: `{"error":"unauthenticated","message":"No valid credentials were provided.","action":"check_credentials",
				"docs":"` + docs + `unauthenticated","context":{"reason":"~Bearer"}}`,
			// RFC 6750 §3.1: no Bearer credential was sent, so no error code.
			header: map[string]string{"WWW-Authenticate": `Bearer realm="fax"`},
		},
		{
			name:   "api_key_missing: no Authorization header",
			send:   func(e *env) response { return e.do("GET", "/account/balance", "", nil, nil) },
			status: 401,
			want: `{"error":"api_key_missing","message":"No Authorization header was sent.","action":"check_credentials",
				"docs":"` + docs + `api-key-missing"}`,
			header: map[string]string{"WWW-Authenticate": `Bearer realm="fax"`},
		},
		{
			name: "api_key_invalid: unknown key",
			send: func(e *env) response {
				return e.do("GET", "/account/balance", "fx_test_revoked0000000000000", nil, nil)
			},
			status: 401,
			want: `{"error":"api_key_invalid","message":"The API key was sent but is not recognized.","action":"check_credentials",
				"docs":"` + docs + `api-key-invalid"}`,
			header: map[string]string{"WWW-Authenticate": `Bearer realm="fax", error="invalid_token"`},
		},
		{
			name:   "api_key_invalid: whitespace around the key gets a hint",
			send:   func(e *env) response { return e.do("GET", "/account/balance", " "+DemoSandboxKey, nil, nil) },
			status: 401,
			want: `{"error":"api_key_invalid","message":"The API key was sent but is not recognized.","action":"check_credentials",
				"docs":"` + docs + `api-key-invalid","context":{"hint":"~whitespace"}}`,
		},
		{
			name: "api_key_invalid: a key without the fx_test_/fx_live_ prefix gets a hint",
			send: func(e *env) response {
				return e.do("GET", "/account/balance", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", nil, nil)
			},
			status: 401,
			want: `{"error":"api_key_invalid","message":"The API key was sent but is not recognized.","action":"check_credentials",
				"docs":"` + docs + `api-key-invalid","context":{"hint":"~fx_test_"}}`,
		},
		{
			name:   "forbidden: another workspace's fax",
			send:   func(e *env) response { return e.do("GET", "/fax/"+DemoGlobexFaxID, DemoSandboxKey, nil, nil) },
			status: 403,
			want: `{"error":"forbidden","message":"The API key is valid but does not have permission to access this resource.",
				"action":"check_credentials","docs":"` + docs + `forbidden"}`,
		},
		{
			name:   "not_found: unknown fax",
			send:   func(e *env) response { return e.do("GET", "/fax/fax_0000000000", DemoSandboxKey, nil, nil) },
			status: 404,
			want: `{"error":"not_found","message":"The requested resource does not exist.","action":"verify_id",
				"docs":"` + docs + `not-found"}`,
		},
		{
			name:   "not_found: a live fax asked for with a sandbox key",
			send:   func(e *env) response { return e.do("DELETE", "/fax/"+DemoLiveFaxID, DemoSandboxKey, nil, nil) },
			status: 404,
			want: `{"error":"not_found","message":"The requested resource does not exist.","action":"verify_id",
				"docs":"` + docs + `not-found"}`,
		},
		{
			name:   "insufficient_balance: live workspace without credits",
			send:   func(e *env) response { return e.sendJSON(DemoLiveKey, "+14155550123", onePage, nil) },
			status: 402,
			want: `{"error":"insufficient_balance","message":"Insufficient balance for this operation.","action":"top_up_balance",
				"docs":"` + docs + `insufficient-balance","context":{"available":0,"required":10}}`,
		},
		{
			name:   "fax_data_purged: image after the retention window",
			send:   func(e *env) response { return e.do("GET", "/fax/"+DemoPurgedFaxID+"/image", DemoSandboxKey, nil, nil) },
			status: 422,
			want: `{"error":"fax_data_purged","message":"The fax document data has been deleted and cannot be retrieved or resent.",
				"action":"submit_new_fax","docs":"` + docs + `fax-data-purged"}`,
		},
		{
			name: "fax_data_purged: resend after the retention window",
			send: func(e *env) response {
				return e.do("POST", "/fax/"+DemoPurgedFaxID+"/resend", DemoSandboxKey, nil, nil)
			},
			status: 422,
			want: `{"error":"fax_data_purged","message":"The fax document data has been deleted and cannot be retrieved or resent.",
				"action":"submit_new_fax","docs":"` + docs + `fax-data-purged"}`,
		},
		{
			name: "fax_not_terminal: delete while queued",
			send: func(e *env) response {
				f := created(e.t, e.sendJSON(DemoSandboxKey, "+14155550123", onePage, nil))
				return e.do("DELETE", "/fax/"+f.ID, DemoSandboxKey, nil, nil)
			},
			status: 409,
			want: `{"error":"fax_not_terminal","message":"The fax has not yet reached a terminal state.","action":"wait_for_completion",
				"docs":"` + docs + `fax-not-terminal","context":{"status":"queued"}}`,
		},
		{
			name:   "workspace_inactive: key of a deactivated workspace",
			send:   func(e *env) response { return e.do("GET", "/account/balance", DemoInactiveKey, nil, nil) },
			status: 403,
			want: `{"error":"workspace_inactive","message":"The API key belongs to a workspace that is not active.",
				"action":"activate_workspace","docs":"` + docs + `workspace-inactive"}`,
		},
		{
			name: "rate_limit_exceeded: second request within the second",
			cfg:  Config{RatePerSecond: 1, Burst: 1},
			send: func(e *env) response {
				if r := e.do("GET", "/account/balance", DemoSandboxKey, nil, nil); r.Status != 200 {
					e.t.Fatalf("first request: %d %s", r.Status, r.Body)
				}
				return e.do("GET", "/account/balance", DemoSandboxKey, nil, nil)
			},
			status: 429,
			want: `{"error":"rate_limit_exceeded","message":"Too many requests in too short a window.","action":"wait_and_retry",
				"docs":"` + docs + `rate-limit-exceeded","context":{"retry_after":1}}`,
			header: map[string]string{"Retry-After": "1", "RateLimit-Policy": `"second";q=1;w=1`},
		},
		{
			name:   "internal_server_error: the sandbox's failing number",
			send:   func(e *env) response { return e.sendJSON(DemoSandboxKey, "+1415555"+SandboxErrorSuffix, onePage, nil) },
			status: 500,
			want: `{"error":"internal_server_error","message":"Something unexpected went wrong on the mintfax side.",
				"action":"retry_or_contact_support","docs":"` + docs + `internal-server-error"}`,
		},
		{
			name: "bad_request: malformed JSON (the seed's 400)",
			send: func(e *env) response {
				return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(`{"to":`), jsonCT)
			},
			status: 400,
			want: `{"error":"bad_request","message":"The request body could not be read.","action":"fix_request",
				"docs":"` + docs + `bad-request","detail":"~line 1, column 6","context":{"line":1,"column":6}}`,
		},
		{
			name: "bad_request: wrong content type (the seed's 400)",
			send: func(e *env) response {
				return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(`to=+14155550123`),
					map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			},
			status: 400,
			want: `{"error":"bad_request","message":"The request body could not be read.","action":"fix_request",
				"docs":"` + docs + `bad-request","context":{"supported":["application/json","multipart/form-data"]}}`,
		},
	}
}

// TestSeedContract triggers every code of seed 000 through real HTTP and the
// real middleware and compares status, headers and body with the seed.
func TestSeedContract(t *testing.T) {
	seen := map[string]bool{}
	ran := 0
	cases := seedCases()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ran++
			e := newEnv(t, tc.cfg)
			r := tc.send(e)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			got := r.json(t)
			seen[got["error"].(string)] = true
			id := r.Header.Get("X-Request-ID")
			if id == "" || got["request_id"] != id {
				t.Errorf("request_id %v, X-Request-ID %q: want the same, not empty", got["request_id"], id)
			}
			delete(got, "request_id")
			for k, v := range tc.header {
				if g := r.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			loosen(got, want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body\n got %s\nwant %s", compact(r.Body), compact([]byte(tc.want)))
			}
		})
	}
	if ran < len(cases) {
		return // -run picked some cases
	}
	// Every code the catalog declares was sent by a real request.
	cat, err := NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cat.Codes() {
		if !c.Fallback && !seen[c.ID] {
			t.Errorf("code %s was never triggered", c.ID)
		}
	}
}

// loosen replaces each "~text" in want by got's value at the same place when
// that value is a string containing text.
func loosen(got, want map[string]any) {
	for k, w := range want {
		switch w := w.(type) {
		case string:
			if g, ok := got[k].(string); ok && strings.HasPrefix(w, "~") && strings.Contains(g, w[1:]) {
				want[k] = g
			}
		case map[string]any:
			if g, ok := got[k].(map[string]any); ok {
				loosen(g, w)
			}
		}
	}
}

func compact(b []byte) string {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return string(b)
	}
	return out.String()
}

var _ = http.StatusOK
