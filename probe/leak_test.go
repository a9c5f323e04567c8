package probe

import (
	"strings"
	"testing"
)

func scanAll(body, path string) []string {
	_, text := bodyText([]byte(body), path)
	lower := strings.ToLower(text)
	var found []string
	for _, ls := range [][]leak{stackLeaks, pathLeaks, sqlLeaks} {
		if w := scanLeaks(text, lower, ls); w != "" {
			found = append(found, w)
		}
	}
	return found
}

func TestLeaksFound(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"Go goroutine dump", "goroutine 7 [running]:\nmain.main()", "a Go goroutine dump"},
		{"Go goroutine dump inside a JSON string", `{"error":"internal","trace":"goroutine 1 [running]:\nmain.main()"}`, "a Go goroutine dump"},
		{"Go panic", `{"message":"panic: runtime error: index out of range [3] with length 2\n"}`, "a Go panic"},
		{"Python traceback", "Traceback (most recent call last):\n  File \"app.py\", line 3", "a Python traceback"},
		{"JVM frame", "java.lang.NullPointerException\n\tat com.acme.Api.create(Api.java:42)", "a JVM stack frame"},
		{"Spring frame", "Whitelabel Error Page at org.springframework.web.Servlet(x)", "a JVM stack trace"},
		{"Node frame", `{"stack":"TypeError: x is undefined\n    at handler (/srv/app/index.js:12:5)"}`, "a JavaScript stack frame"},
		{".NET frame", "at Acme.Api.Create() in C:\\src\\Api.cs:line 42", "a .NET stack frame"},
		{"Ruby backtrace", "app/controllers/faxes_controller.rb:12:in `create'", "a Ruby backtrace"},
		{"PHP trace", "Stack trace:\n#0 /var/www/index.php(12): foo()", "a PHP stack trace"},
		{"Go file and line", `{"error":"internal","message":"handlers.go:88: nil map"}`, "a source file and line"},
		{"home directory", `{"message":"open /home/deploy/config.yaml: no such file"}`, "a server file-system path"},
		{"usr path", `{"message":"exec /usr/bin/convert failed"}`, "a server file-system path"},
		{"Windows path", `{"message":"cannot open C:\\inetpub\\wwwroot\\web.config"}`, "a Windows path"},
		{"SELECT statement", `{"message":"query failed: SELECT id, key FROM api_keys WHERE key = $1"}`, "an SQL statement"},
		{"Postgres syntax error", `{"message":"ERROR: syntax error at or near \"FROM\""}`, "an SQL syntax error"},
		{"MySQL syntax error", `You have an error in your SQL syntax; check the manual`, "an SQL syntax error"},
		{"Oracle", `{"message":"ORA-00942: table or view does not exist"}`, "a database error"},
		{"SQLSTATE", `{"message":"ERROR (SQLSTATE 23505)"}`, "a database error"},
		{"lib/pq", `{"message":"pq: duplicate key value violates unique constraint \"faxes_pkey\""}`, "a database error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found := scanAll(tc.body, "")
			for _, f := range found {
				if f == tc.want {
					return
				}
			}
			t.Errorf("found %q, want %q", found, tc.want)
		})
	}
}

func TestNoFalseLeaks(t *testing.T) {
	for _, tc := range []struct{ name, body, path string }{
		{"seed 000 envelope", `{"error":"validation_failed","message":"The to field is required.","action":"fix_request","docs":"https://mintfax.com/docs/errors/validation-failed","context":{"errors":{"to":["The to field is required."],"file":["The file must be a PDF, TIFF, or JPEG."]}}}`, ""},
		{"a sentence with select and from", `{"message":"Select a file from your computer and try again."}`, ""},
		{"docs under /home/ on the web", `{"docs":"https://example.com/home/docs/errors/x","message":"see https://example.com/usr/guide"}`, ""},
		{"problem instance is the request path", `{"type":"about:blank","instance":"/app/settings/42","code":"not_found"}`, "/app/settings/42"},
		{"panic-free prose", `{"message":"Don't panic: the request will be retried."}`, ""},
		{"version numbers", `{"message":"Use API version 2024.10.01 or later."}`, ""},
		{"update in prose", `{"message":"Please update your SDK to set the header."}`, ""},
		{"a megabyte of filler", `{"error":"` + strings.Repeat("a", 1<<20) + `"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if found := scanAll(tc.body, tc.path); len(found) > 0 {
				t.Errorf("false leak %q", found)
			}
		})
	}
}

func FuzzLeakScan(f *testing.F) {
	f.Add(`{"error":"x","trace":"goroutine 1 [running]:\n\t/usr/src/app/main.go:9"}`, "/x")
	f.Add(`SELECT a FROM b`, "")
	f.Add(strings.Repeat("[", 5000), "/")
	f.Fuzz(func(t *testing.T, body, path string) {
		_ = scanAll(body, path)
	})
}
