package examples_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/auth"
	"github.com/apierr/apierr/examples/calls"
	"github.com/apierr/apierr/examples/campaigns"
	"github.com/apierr/apierr/examples/inbox"
	"github.com/apierr/apierr/examples/mail"
	"github.com/apierr/apierr/probe"
)

// TestProbeSeedServices runs apierr's conformance probe against each seed
// service: every error it provokes must be a code of that catalog, in that
// API's shape, with the headers the contract promises.
func TestProbeSeedServices(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	keys := auth.NewMemoryKeyStore()
	if err := keys.Add("seed_probe_key", apierr.Principal{Tenant: "t_1", Subject: "a@b.test",
		Scopes: []string{calls.ScopeWrite, inbox.ScopeInvite}}); err != nil {
		t.Fatal(err)
	}
	camp := campaigns.NewServer(campaigns.Config{Keys: keys, Logger: quiet})
	camp.AddCampaign("t_1", "cmp_1", "Launch")
	inb := inbox.NewServer(inbox.Config{Auth: inbox.AuthConfig{Keys: keys}, RatePerMinute: 30, Logger: quiet})
	inb.AddTenant("t_1", "acme")
	// The body members a shape has no place for are not defects: the seeds'
	// contracts carry the docs link and the request ID elsewhere or not at all.
	noBodyDocs := map[string]bool{"docs_url": true}
	noBodyDocsOrID := map[string]bool{"docs_url": true, "request_id": true}
	for _, tc := range []struct {
		name     string
		h        http.Handler
		cat      *apierr.Catalog
		key      func(t *testing.T, base string) string
		postPath string
		burst    int
		absent   map[string]bool
	}{
		{"calls", calls.NewServer(calls.Config{Tokens: keys, RatePerMinute: 30, Logger: quiet}), calls.Catalog(),
			nil, "/api/v1/call", 100, noBodyDocsOrID},
		{"mail", mail.NewServer(mail.Config{RatePerMinute: 30, Logger: quiet}), mail.Catalog(),
			mailToken, "/api/webhooks", 100, noBodyDocsOrID},
		// The page documents no request-rate limit, only WORKSPACE_LIMIT.
		{"campaigns", camp, campaigns.Catalog(), nil, "/api/v1/campaigns/cmp_1/generate", 0, noBodyDocsOrID},
		{"inbox", inb, inbox.Catalog(), nil, "/v1/inboxes", 100, noBodyDocs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			key := "seed_probe_key"
			if tc.key != nil {
				key = tc.key(t, srv.URL)
			}
			rep, err := probe.Run(context.Background(), probe.Config{
				BaseURL: srv.URL, Catalog: tc.cat, Key: key, PostPath: tc.postPath, Burst: tc.burst,
			})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			rep.WriteTable(&b)
			for _, f := range rep.Failures() {
				if tc.absent[f.Check] {
					continue
				}
				t.Errorf("probe: %s %s: %s", f.Check, f.Request, f.Why)
			}
			if t.Failed() || testing.Verbose() {
				t.Log("\n" + b.String())
			}
		})
	}
}

// mailToken creates a mailbox over HTTP and returns a token for it: the mail
// API's credentials are tokens from POST /api/token, not API keys.
func mailToken(t *testing.T, base string) string {
	t.Helper()
	creds := `{"address":"probe@mail.test","password":"secret-pw"}`
	res, err := http.Post(base+"/api/accounts", "application/json", strings.NewReader(creds))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = http.Post(base+"/api/token", "application/json", strings.NewReader(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.Token == "" {
		t.Fatalf("token: %v %+v", err, body)
	}
	return body.Token
}
