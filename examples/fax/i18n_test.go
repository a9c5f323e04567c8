package fax

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestLocalizedErrors drives insufficient_balance through the demo over
// real HTTP in the client's language: the message (the seed's example
// message, which the handler sets, translated by errors.<tag>.yaml), the
// Content-Language header, and everything that is not words unchanged.
func TestLocalizedErrors(t *testing.T) {
	e := newEnv(t, Config{})
	english := e.sendJSON(DemoLiveKey, "+14155550123", onePage, nil)
	if english.Status != 402 {
		t.Fatalf("status %d: %s", english.Status, english.Body)
	}
	for _, tc := range []struct {
		name, accept, lang, message string
	}{
		{"German", "de", "de", "Das Guthaben reicht für diesen Vorgang nicht aus."},
		{"a regional variant", "de-AT", "de", "Das Guthaben reicht für diesen Vorgang nicht aus."},
		{"French", "fr", "fr", ""},
		{"by q-value", "fr;q=0.9, de;q=0.8", "fr", ""},
		{"by q-value, listed last", "de;q=0.8, fr;q=0.9", "fr", ""},
		{"an unknown language first", "ja, de;q=0.5", "de", "Das Guthaben reicht für diesen Vorgang nicht aus."},
		{"unknown language", "ja", "en", "Insufficient balance for this operation."},
		{"English asked for", "en-GB, de;q=0.1", "en", "Insufficient balance for this operation."},
		{"anything", "*", "en", "Insufficient balance for this operation."},
		{"malformed header", "d€, ;;q=x", "en", "Insufficient balance for this operation."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.sendJSON(DemoLiveKey, "+14155550123", onePage, map[string]string{"Accept-Language": tc.accept})
			if r.Status != 402 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if got := r.Header.Get("Content-Language"); got != tc.lang {
				t.Errorf("Content-Language %q, want %q", got, tc.lang)
			}
			if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Accept-Language") {
				t.Errorf("Vary %q does not name Accept-Language", r.Header.Values("Vary"))
			}
			body, want := r.json(t), english.json(t)
			for _, k := range []string{"error", "action", "docs", "context"} {
				if !equalJSON(body[k], want[k]) {
					t.Errorf("%s changed with the language: %v, want %v", k, body[k], want[k])
				}
			}
			msg, _ := body["message"].(string)
			switch {
			case tc.message != "" && msg != tc.message:
				t.Errorf("message %q, want %q", msg, tc.message)
			case tc.lang == "fr" && (msg == "" || msg == want["message"]):
				t.Errorf("French message %q", msg)
			}
			if tc.lang == "en" && !bytes.Equal(r.Body[:bytes.Index(r.Body, []byte(`"request_id"`))],
				english.Body[:bytes.Index(english.Body, []byte(`"request_id"`))]) {
				t.Errorf("English body differs:\n%s\n%s", r.Body, english.Body)
			}
		})
	}
	if got := english.Header.Get("Content-Language"); got != "en" {
		t.Errorf("without Accept-Language: Content-Language %q, want en", got)
	}
}

// TestLocalizedProblem asks for RFC 9457 in German: title and detail are
// the translation's, type (the docs permalink) and code are not.
func TestLocalizedProblem(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.sendJSON(DemoLiveKey, "+14155550123", onePage,
		map[string]string{"Accept-Language": "de", "Accept": "application/problem+json"})
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q: %s", ct, r.Body)
	}
	b := r.json(t)
	if b["title"] != "Guthaben nicht ausreichend" || b["detail"] != "Das Guthaben reicht für diesen Vorgang nicht aus." {
		t.Errorf("title %q detail %q", b["title"], b["detail"])
	}
	if b["type"] != docs+"insufficient-balance" || b["code"] != "insufficient_balance" || b["action"] != "top_up_balance" {
		t.Errorf("type %q code %q action %q", b["type"], b["code"], b["action"])
	}
	if v := r.Header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept") {
		t.Errorf("Vary %q", v)
	}
}

func equalJSON(a, b any) bool {
	return strings.TrimSpace(sprintJSON(a)) == strings.TrimSpace(sprintJSON(b))
}

func sprintJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestLocalizedFieldErrors sends POST /fax bodies that fail validation in
// German and French over real HTTP: the field messages are errors.yaml's
// field_messages as errors.<tag>.yaml words them, the message is the
// first field's; the seed's English is unchanged without Accept-Language.
func TestLocalizedFieldErrors(t *testing.T) {
	e := newEnv(t, Config{})
	seedBody := `{"file":"aGVsbG8="}` // seed 000's example: to missing, file not a document
	for _, tc := range []struct {
		name, lang string
		send       func(h map[string]string) response
		want       map[string]string
	}{
		{"the seed's example in German", "de", func(h map[string]string) response {
			return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(seedBody), h)
		}, map[string]string{"to": "Das Feld to ist erforderlich.", "file": "Die Datei muss ein PDF, TIFF oder JPEG sein."}},
		{"the seed's example in French", "fr", func(h map[string]string) response {
			return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(seedBody), h)
		}, map[string]string{"to": "Le champ to est obligatoire.", "file": "Le fichier doit être au format PDF, TIFF ou JPEG."}},
		{"the seed's example in English", "", func(h map[string]string) response {
			return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(seedBody), h)
		}, map[string]string{"to": msgToRequired, "file": msgFileType}},
		{"a number that is not E.164, in German", "de", func(h map[string]string) response {
			h["Content-Type"] = "application/json"
			return e.do("POST", "/fax", DemoSandboxKey, strings.NewReader(`{"to":"555-0123","file":"JVBERi0xLjQK"}`), h)
		}, map[string]string{"to": "Das Feld to muss eine Telefonnummer im E.164-Format sein, zum Beispiel +14155550123."}},
		{"a file over 10 MB, in German", "de", func(h map[string]string) response {
			return e.sendJSON(DemoSandboxKey, "+14155550123", append(pdf(1), make([]byte, 10<<20)...), h)
		}, map[string]string{"file": "Die Datei darf nicht größer als 10 MB sein."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/json"}
			if tc.lang != "" {
				h["Accept-Language"] = tc.lang
			}
			r := tc.send(h)
			if r.Status != 422 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			b := r.json(t)
			ctx, _ := b["context"].(map[string]any)
			errs, _ := ctx["errors"].(map[string]any)
			first := ""
			for field, want := range tc.want {
				l, _ := errs[field].([]any)
				if len(l) != 1 || l[0] != want {
					t.Errorf("%s: %v, want [%s]", field, errs[field], want)
				}
			}
			if _, ok := tc.want["to"]; ok {
				first = tc.want["to"]
			} else {
				first = tc.want["file"]
			}
			if b["message"] != first {
				t.Errorf("message %q, want the first field's %q", b["message"], first)
			}
			if b["error"] != "validation_failed" || b["action"] != "fix_request" {
				t.Errorf("error %q action %q", b["error"], b["action"])
			}
		})
	}
}

// TestFieldMessagesAreTheCatalogs keeps the Go fallbacks equal to
// errors.yaml's field_messages, and every field message translated.
func TestFieldMessagesAreTheCatalogs(t *testing.T) {
	cat, err := NewCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"to.required": msgToRequired, "to.e164": msgToE164,
		"file.required": msgFileRequired, "file.base64": msgFileBase64, "file.file_type": msgFileType} {
		if got := cat.FieldMessages()[key]; got != want {
			t.Errorf("errors.yaml field_messages %s = %q, the code says %q", key, got, want)
		}
	}
	for _, lang := range cat.Languages()[1:] {
		v, _ := cat.Localized(lang)
		for key, en := range cat.FieldMessages() {
			if v.FieldMessages()[key] == en {
				t.Errorf("%s: field message %s is not translated", lang, key)
			}
		}
	}
}
