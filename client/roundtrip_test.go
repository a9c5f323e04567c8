package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/client"
)

// TestRoundTripApierrFormats renders errors with apierr.Write (the default
// catalog, both built-in formats, chosen by Accept) over real HTTP and
// decodes them back: what the server says is what the client reads.
func TestRoundTripApierrFormats(t *testing.T) {
	errs := map[string]func() error{
		"/rate": func() error {
			return apierr.Cond(apierr.CondRateLimited).WithRetryAfter(7*time.Second).With("retry_after", 7)
		},
		"/invalid": func() error {
			return apierr.Cond(apierr.CondValidationFailed).
				WithField("participant.number", "e164", "must be an E.164 number").
				WithField("agentId", "uuid", "must be a UUID")
		},
		"/boom": func() error { return errors.New("database password is hunter2") },
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-ID", "rt-1")
		apierr.Write(w, r, errs[r.URL.Path]())
	}))
	defer srv.Close()

	cat := apierr.Default()
	for _, accept := range []string{"application/json", "application/problem+json"} {
		for path, mk := range errs {
			t.Run(accept+path, func(t *testing.T) {
				want := apierr.From(mk())
				res := new(apierr.Error)
				cat.Resolve(res, want)
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				req.Header.Set("Accept", accept)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var got *apierr.Error
				if !errors.As(client.Decode(resp), &got) {
					t.Fatal("no *apierr.Error")
				}
				if got.Code != res.Code || got.Status != res.Status || got.Message != res.Message {
					t.Errorf("got %q %d %q, want %q %d %q", got.Code, got.Status, got.Message, res.Code, res.Status, res.Message)
				}
				if got.Docs != res.Docs {
					t.Errorf("docs %q, want %q", got.Docs, res.Docs)
				}
				if res.Action != "" && got.Action != res.Action {
					t.Errorf("action %q, want %q", got.Action, res.Action)
				}
				if got.RetryAfter != res.RetryAfter || got.Retryable != client.RetryableStatus(res.Status) && !res.Retryable {
					t.Errorf("retry %v %v, want %v", got.RetryAfter, got.Retryable, res.RetryAfter)
				}
				if len(got.Fields) != len(res.Fields) {
					t.Fatalf("fields %+v, want %+v", got.Fields, res.Fields)
				}
				for _, f := range res.Fields {
					found := false
					for _, g := range got.Fields {
						found = found || (g.Field == f.Field && g.Message == f.Message)
					}
					if !found {
						t.Errorf("field %+v lost: %+v", f, got.Fields)
					}
				}
			})
		}
	}
}

// TestRoundTripContentLanguage serves a translated apierr error over real
// HTTP with the Content-Language its server chose and decodes it back, with
// Decode and inside the Transport's retry events: the decoded error carries
// the language of its words, and the code it is matched on is unchanged.
func TestRoundTripContentLanguage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Language", r.URL.Query().Get("lang"))
		w.Header().Set("Vary", "Accept-Language")
		e := apierr.Cond(apierr.CondRateLimited).WithMessage("Zu viele Anfragen in zu kurzer Zeit.")
		apierr.Write(w, r, e)
	}))
	defer srv.Close()

	for lang, want := range map[string]string{"de": "de", "DE-at": "de-AT", "": "", "not a tag": ""} {
		resp, err := http.Get(srv.URL + "/?lang=" + url.QueryEscape(lang))
		if err != nil {
			t.Fatal(err)
		}
		var re *client.ResponseError
		if !errors.As(client.Decode(resp), &re) {
			t.Fatal("no *client.ResponseError")
		}
		if re.Language != want {
			t.Errorf("Content-Language %q: Language = %q, want %q", lang, re.Language, want)
		}
		if re.API.Code != "rate_limited" || re.API.Message != "Zu viele Anfragen in zu kurzer Zeit." {
			t.Errorf("decoded %q %q", re.API.Code, re.API.Message)
		}
	}

	var langs []string
	hc := client.New(&client.Transport{MaxRetries: 2,
		Sleep: func(context.Context, time.Duration) error { return nil },
		OnRetry: func(ev client.RetryEvent) {
			var re *client.ResponseError
			if errors.As(ev.Err, &re) {
				langs = append(langs, re.Language)
			}
		}})
	resp, err := hc.Get(srv.URL + "/?lang=de")
	if err != nil {
		t.Fatal(err)
	}
	var re *client.ResponseError
	if !errors.As(client.Decode(resp), &re) || re.Language != "de" {
		t.Errorf("final response: %v", re)
	}
	if len(langs) != 2 || langs[0] != "de" || langs[1] != "de" {
		t.Errorf("retry events saw languages %q, want [de de]", langs)
	}
}
