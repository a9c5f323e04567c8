package client

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLanguageTag(t *testing.T) {
	for in, want := range map[string]string{
		"de":                     "de",
		"DE":                     "de",
		"de-ch":                  "de-CH",
		"de-CH":                  "de-CH",
		"zh-hant-tw":             "zh-Hant-TW",
		"ZH-HANT-TW":             "zh-Hant-TW",
		"sr-Latn":                "sr-Latn",
		"es-419":                 "es-419",
		"en-US-x-twain":          "en-US-x-twain",
		"en-x-US":                "en-x-us", // after a singleton nothing is a region
		"i-klingon":              "i-klingon",
		"x-pig-latin":            "x-pig-latin",
		"sl-rozaj-biske":         "sl-rozaj-biske",
		"de-DE-u-co-phonebk":     "de-DE-u-co-phonebk",
		"":                       "",
		"de-":                    "",
		"-de":                    "",
		"de--CH":                 "",
		"d e":                    "",
		"de_CH":                  "",
		"1de":                    "",
		"deutschland":            "", // a subtag of more than 8 letters
		"dé":                     "",
		"de;q=0.5":               "",
		strings.Repeat("a-", 40): "",
	} {
		if got := languageTag(in); got != want {
			t.Errorf("languageTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentLanguage(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   string
	}{
		{nil, ""},
		{[]string{""}, ""},
		{[]string{"de"}, "de"},
		{[]string{" fr-ca "}, "fr-CA"},
		{[]string{"mi, EN"}, "mi"}, // RFC 9110's example: the first tag
		{[]string{", , de"}, "de"},
		{[]string{"", "de"}, "de"},
		{[]string{"de?, en"}, ""}, // the first entry is malformed: no guess
		{[]string{"\x00de"}, ""},
	} {
		h := http.Header{}
		for _, v := range tc.values {
			h.Add("Content-Language", v)
		}
		if got := contentLanguage(h); got != tc.want {
			t.Errorf("Content-Language %q: %q, want %q", tc.values, got, tc.want)
		}
	}
}

func TestLanguageTagCanonicalDoesNotAllocate(t *testing.T) {
	h := http.Header{"Content-Language": {"de-CH"}}
	if n := testing.AllocsPerRun(100, func() { _ = contentLanguage(h) }); n != 0 {
		t.Errorf("contentLanguage allocates %v times on a tag in conventional case", n)
	}
}

// TestDecodeKeepsContentLanguage: whatever the body's shape (every golden
// body: envelopes, problem details, XML, HTML, plain text, and no body at
// all), Decode keeps the Content-Language of the response on the
// *ResponseError, and the decoded error is the same as without the header.
func TestDecodeKeepsContentLanguage(t *testing.T) {
	cases := append([]decodeCase{{name: "empty body", status: 404}}, decodeCases...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.file != "" {
				var err error
				if body, err = os.ReadFile(filepath.Join("testdata", "decode", tc.file)); err != nil {
					t.Fatal(err)
				}
			}
			plain := Decode(serveBody(t, tc.status, tc.header, body))
			header := map[string]string{"Content-Language": "de-ch"}
			for k, v := range tc.header {
				header[k] = v
			}
			err := Decode(serveBody(t, tc.status, header, body))
			var re, pre *ResponseError
			if !errors.As(err, &re) || !errors.As(plain, &pre) {
				t.Fatalf("Decode = %v, want a *ResponseError", err)
			}
			if re.Language != "de-CH" {
				t.Errorf("Language = %q, want de-CH", re.Language)
			}
			if pre.Language != "" {
				t.Errorf("Language without the header = %q, want empty", pre.Language)
			}
			if re.Error() != pre.Error() || re.API.Code != pre.API.Code || re.API.Message != pre.API.Message {
				t.Errorf("the header changed the decoded error: %v, without it %v", re, pre)
			}
		})
	}
}

// FuzzContentLanguage: any header value yields "" or a well-formed tag that
// is its own conventional case, never a panic.
func FuzzContentLanguage(f *testing.F) {
	for _, s := range []string{"de", "de-CH", "zh-hant-tw", "mi, en", "", ",", "de-", "x-a-b", "en-US-u-ca-gregory", "a-b-c-d-e-f-g-h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := contentLanguage(http.Header{"Content-Language": {v}})
		if got == "" {
			return
		}
		if len(got) > maxLanguageTag || languageTag(got) != got {
			t.Errorf("contentLanguage(%q) = %q, not a tag in conventional case", v, got)
		}
		if !strings.Contains(strings.ToLower(v), strings.ToLower(got)) {
			t.Errorf("contentLanguage(%q) = %q, not taken from the header", v, got)
		}
	})
}
