package client

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierr/apierr"
)

// corpusFixture is one documented error response of a public API, from
// testdata/corpus/*.txt: a head of "key: value" lines (api, source, status,
// header, want …), a line "---", and the body as the API documents it.
type corpusFixture struct {
	file, api, source string
	status            int
	header            map[string]string
	want              map[string]string // member → expected value; see checkCorpus
	body              []byte
}

func loadCorpus(t *testing.T) []corpusFixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusFixture
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		head, body, ok := bytes.Cut(raw, []byte("\n---\n"))
		if !ok {
			t.Fatalf("%s: no --- line between head and body", p)
		}
		f := corpusFixture{file: filepath.Base(p), header: map[string]string{}, want: map[string]string{}, body: body}
		sc := bufio.NewScanner(bytes.NewReader(head))
		for n := 1; sc.Scan(); n++ {
			key, val, ok := strings.Cut(sc.Text(), ": ")
			if !ok {
				t.Fatalf("%s:%d: want \"key: value\", got %q", p, n, sc.Text())
			}
			switch {
			case key == "api":
				f.api = val
			case key == "source":
				f.source = val
			case key == "status":
				if f.status, err = strconv.Atoi(val); err != nil {
					t.Fatalf("%s:%d: %v", p, n, err)
				}
			case key == "header":
				k, v, _ := strings.Cut(val, ": ")
				f.header[k] = v
			case strings.HasPrefix(key, "want "):
				f.want[strings.TrimPrefix(key, "want ")] = val
			default:
				t.Fatalf("%s:%d: unknown key %q", p, n, key)
			}
		}
		if f.api == "" || f.source == "" || f.status == 0 || len(f.want) == 0 {
			t.Fatalf("%s: api, source, status and at least one want are required", p)
		}
		out = append(out, f)
	}
	return out
}

// checkCorpus compares the decoded error with f.want and returns the
// differences.
func checkCorpus(f *corpusFixture, re *ResponseError) []string {
	e := re.API
	var diffs []string
	for k, w := range f.want {
		var got string
		switch k {
		case "code":
			got = e.Code
		case "message":
			got = e.Message
		case "title":
			got = e.Title
		case "detail":
			got = e.Detail
		case "docs":
			got = e.Docs
		case "request_id":
			got = e.RequestID
		case "instance":
			got = e.Instance
		case "condition":
			got = string(e.Condition)
		case "retryable":
			got = strconv.FormatBool(e.Retryable)
		case "retry_after":
			got = e.RetryAfter.String()
			if d, err := time.ParseDuration(w); err == nil {
				w = d.String()
			}
		case "fields":
			got = strconv.Itoa(len(e.Fields))
		case "language":
			got = re.Language
		default:
			diffs = append(diffs, "unknown want "+k)
			continue
		}
		if got != w {
			diffs = append(diffs, k+" = "+strconv.Quote(got)+", want "+strconv.Quote(w))
		}
	}
	return diffs
}

// TestDecodeCorpus decodes every documented error response of the corpus
// (each fixture names the API and the page it comes from) and checks what
// the fixture says Decode must read. The score is every fixture: a miss
// fails its subtest.
func TestDecodeCorpus(t *testing.T) {
	fixtures := loadCorpus(t)
	apis := map[string]bool{}
	for _, f := range fixtures {
		apis[strings.SplitN(f.api, " (", 2)[0]] = true
	}
	if len(apis) < 60 {
		t.Errorf("corpus covers %d APIs, want at least 60", len(apis))
	}
	passed := 0
	for _, f := range fixtures {
		ok := t.Run(strings.TrimSuffix(f.file, ".txt"), func(t *testing.T) {
			err := Decode(serveBody(t, f.status, f.header, f.body))
			var e *apierr.Error
			var re *ResponseError
			if !errors.As(err, &e) || !errors.As(err, &re) {
				t.Fatalf("Decode = %v, want a *ResponseError and an *apierr.Error", err)
			}
			for _, d := range checkCorpus(&f, re) {
				t.Errorf("%s (%s): %s", f.api, f.source, d)
			}
			if e.Message == "" {
				t.Error("empty message")
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("corpus score: %d of %d documented error responses read right, %d APIs", passed, len(fixtures), len(apis))
}
