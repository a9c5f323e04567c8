package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/probe/probetest"
)

func runProbeCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"probe"}, args...), strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func TestProbeCommand(t *testing.T) {
	good := probetest.Correct(40)
	defer good.Close()
	broken := probetest.Broken()
	defer broken.Close()
	catFile := filepath.Join(t.TempDir(), "errors.yaml")
	if err := os.WriteFile(catFile, apierr.DefaultYAML(), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("a server that keeps the contract exits 0", func(t *testing.T) {
		code, out, errs := runProbeCLI(t, good.URL, "--key", probetest.Key, "--post", probetest.PostPath,
			"--flood", "100", "--idempotency", "--data", `{"name":"x"}`)
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		if !strings.Contains(out, "CHECK") || !strings.Contains(out, "0 failed") {
			t.Errorf("no table:\n%s", out)
		}
		if !strings.Contains(errs, "probe [1/") {
			t.Errorf("no progress on stderr:\n%s", errs)
		}
	})

	t.Run("the key may come from the environment", func(t *testing.T) {
		t.Setenv("APIERR_PROBE_KEY", probetest.Key)
		fresh := probetest.Correct(0)
		defer fresh.Close()
		code, out, _ := runProbeCLI(t, fresh.URL)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})

	t.Run("a broken server exits 1 and names each defect", func(t *testing.T) {
		code, out, errs := runProbeCLI(t, "--catalog", catFile, broken.URL, "--key", probetest.Key,
			"--post", probetest.PostPath, "--burst", "20")
		if code != 1 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		rows := map[string]bool{}
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 4 {
				rows[strings.Join(f[:4], " ")] = true
			}
		}
		for _, want := range []string{
			"content_type unknown_endpoint (404) FAIL",
			"no_stack_trace malformed_json (500) FAIL",
			"retry_after burst (429) FAIL",
			"no_echoed_key unknown_key (401) FAIL",
			"request_id unknown_endpoint (404) FAIL",
			"code_in_catalog no_credentials (401) FAIL",
		} {
			if !rows[want] {
				t.Errorf("missing %q in:\n%s", want, out)
			}
		}
		if strings.Contains(out, probetest.Key) {
			t.Error("the report prints the key")
		}
	})

	t.Run("--quiet lists only what did not pass", func(t *testing.T) {
		code, out, _ := runProbeCLI(t, broken.URL, "--quiet", "--key", probetest.Key)
		if code != 1 || strings.Contains(out, " PASS ") || !strings.Contains(out, " FAIL ") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})

	t.Run("--json carries the same report", func(t *testing.T) {
		code, out, _ := runProbeCLI(t, broken.URL, "--json", "--key", probetest.Key)
		if code != 1 {
			t.Fatalf("exit %d", code)
		}
		var rep struct {
			BaseURL string `json:"base_url"`
			Failed  int    `json:"failed"`
			Results []struct {
				Check, Request, Result, Why string
				Status                      int
			} `json:"results"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if rep.BaseURL != broken.URL || rep.Failed == 0 || len(rep.Results) == 0 {
			t.Errorf("report = %+v", rep)
		}
		found := false
		for _, r := range rep.Results {
			found = found || (r.Check == "content_type" && r.Request == "unknown_endpoint" && r.Result == "fail" && r.Status == 404)
		}
		if !found {
			t.Errorf("no content_type failure for the plain-text 404:\n%s", out)
		}
	})

	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no URL", nil, 2},
		{"bad URL", []string{"ftp://example.com"}, 2},
		{"not a URL", []string{"::"}, 2},
		{"two URLs", []string{good.URL, good.URL}, 2},
		{"unknown flag", []string{good.URL, "--frobnicate"}, 2},
		{"flood too large", []string{good.URL, "--flood", "5000"}, 2},
		{"old --burst name too large", []string{good.URL, "--burst", "5000"}, 2},
		{"idempotency without a route", []string{good.URL, "--idempotency"}, 2},
		{"data not JSON", []string{good.URL, "--data", "{"}, 2},
		{"missing catalog", []string{good.URL, "--catalog", filepath.Join(t.TempDir(), "none.yaml")}, 2},
		{"help", []string{"--help"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, out, errs := runProbeCLI(t, tc.args...); code != tc.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.code, out, errs)
			}
		})
	}
}

// TestProbeNothingListening: with nothing at BASE_URL the probe says it
// cannot connect and exits 2, instead of failing every check and calling
// the contract broken; a catalog that does not load is named once.
func TestProbeNothingListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a port nothing listens on
	code, out, errs := runProbeCLI(t, "http://"+addr)
	if code != 2 || !strings.Contains(errs, "cannot reach http://"+addr) || strings.Contains(out+errs, "contract is broken") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and 'cannot reach'", code, out, errs)
	}
	bad := cliFile(t, "bad.yaml", "codes:\n  a: {stauts: 400}\n")
	code, _, errs = runProbeCLI(t, "http://"+addr, "--catalog", bad)
	if code != 1 || strings.Contains(errs, "apierr: apierr:") || !strings.Contains(errs, `unknown key "stauts"`) {
		t.Errorf("bad catalog: exit %d, stderr %q", code, errs)
	}
}
