package probe

import (
	"encoding/json"
	"regexp"
	"strings"
)

// A leak is a sign in a body that internals escaped: a pattern and what it
// means, for the report.
type leak struct {
	re   *regexp.Regexp
	what string
	// hints are lower-case substrings one of which every match contains:
	// the regular expression runs only when one is present, which keeps a
	// megabyte of filler cheap to scan.
	hints []string
}

// Stack traces of the common runtimes. Each pattern is specific enough that a
// message a person wrote does not match it.
var stackLeaks = []leak{
	{regexp.MustCompile(`goroutine \d+ \[[a-z ]+\]`), "a Go goroutine dump", []string{"goroutine "}},
	{regexp.MustCompile(`(?m)^panic: |panic: runtime error: |panic\(\{?0x[0-9a-f]+`), "a Go panic", []string{"panic"}},
	{regexp.MustCompile(`runtime/debug\.Stack|runtime\.gopanic|created by [a-zA-Z0-9_./]+ in goroutine`), "a Go stack frame", []string{"runtime", "created by "}},
	{regexp.MustCompile(`Traceback \(most recent call last\)`), "a Python traceback", []string{"traceback (most recent"}},
	{regexp.MustCompile(`(?m)^\s*at [\w$.<>]+\([\w$.]+\.(?:java|kt|scala):\d+\)`), "a JVM stack frame", []string{".java:", ".kt:", ".scala:"}},
	{regexp.MustCompile(`Exception in thread "|\bat (?:java|javax|org\.springframework)\.[\w.$]+\(`), "a JVM stack trace", []string{"exception in thread", "at java", "at org.springframework"}},
	{regexp.MustCompile(`(?m)^\s*at (?:[\w$.<>\[\] ]+ \()?(?:file://)?[\w/\\:.-]+\.(?:js|mjs|cjs|ts):\d+:\d+\)?`), "a JavaScript stack frame", []string{".js:", ".mjs:", ".cjs:", ".ts:"}},
	{regexp.MustCompile(`\bat [\w.]+\([^)]*\) in [^\n]+:line \d+`), "a .NET stack frame", []string{":line "}},
	{regexp.MustCompile(`[\w/.-]+\.rb:\d+:in [` + "`" + `']`), "a Ruby backtrace", []string{".rb:"}},
	{regexp.MustCompile(`(?m)^#\d+ [\w/\\.-]+\.php\(\d+\)|Stack trace:\s*\n#0 `), "a PHP stack trace", []string{".php(", "stack trace:"}},
}

// Paths of source files and of server file systems. URLs are removed from the
// body before these run, so a docs link under /home/ does not count.
var pathLeaks = []leak{
	{regexp.MustCompile(`[\w./-]+\.(?:go|py|rb|java|kt|php|cs|js|ts|rs|c|cc|cpp|ex|exs|scala):\d+`), "a source file and line", []string{".go:", ".py:", ".rb:", ".java:", ".kt:", ".php:", ".cs:", ".js:", ".ts:", ".rs:", ".c:", ".cc:", ".cpp:", ".ex:", ".exs:", ".scala:"}},
	{regexp.MustCompile(`(?:^|[\s"'=(:])/(?:home|usr|var|opt|srv|root|tmp|etc|Users|app|go/pkg)/[\w.-]`), "a server file-system path", []string{"/home/", "/usr/", "/var/", "/opt/", "/srv/", "/root/", "/tmp/", "/etc/", "/users/", "/app/", "/go/pkg/"}},
	{regexp.MustCompile(`\b[A-Za-z]:\\(?:[\w .-]+\\)+`), "a Windows path", []string{":\\"}},
}

// SQL and database driver messages.
var sqlLeaks = []leak{
	{regexp.MustCompile(`\bSELECT\b[^\n]{1,200}?\bFROM\b|\bINSERT INTO\b|\bUPDATE\b [\w."]+ \bSET\b|\bDELETE FROM\b`), "an SQL statement", []string{"select", "insert into", "update", "delete from"}},
	{regexp.MustCompile(`(?i)syntax error at or near|you have an error in your sql syntax|unterminated quoted string at or near`), "an SQL syntax error", []string{"syntax error at or near", "error in your sql syntax", "unterminated quoted string"}},
	{regexp.MustCompile(`\bORA-\d{5}\b|\bSQLSTATE\b|SQLSTATE\[|\bSQLException\b|\bpq: |\bsqlite3?[.:]|\bmysql_\w+\(|duplicate key value violates unique constraint|\bpgx?: `), "a database error", []string{"ora-", "sqlstate", "sqlexception", "pq: ", "sqlite", "mysql_", "duplicate key value", "pg: ", "pgx: "}},
}

var urlRE = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s"'<>]+`)

// scanLeaks returns what the first matching pattern of leaks found in body, or "".
// lower is body in lower case, for the hints.
func scanLeaks(body, lower string, leaks []leak) string {
	for _, l := range leaks {
		hinted := false
		for _, h := range l.hints {
			if strings.Contains(lower, h) {
				hinted = true
				break
			}
		}
		if hinted && l.re.MatchString(body) {
			return l.what
		}
	}
	return ""
}

// withoutURLs blanks the URLs in body (docs links are not paths).
func withoutURLs(body string) string {
	if !strings.Contains(body, "://") {
		return body
	}
	return urlRE.ReplaceAllString(body, " ")
}

// leakScanMax bounds how much of a body the leak checks read.
const leakScanMax = 64 << 10

// bodyText is what the leak checks read: the raw body and, when it is JSON,
// its string values unescaped (a trace inside a JSON string has its newlines
// as \n escapes), with URLs and the request's own path blanked.
func bodyText(body []byte, path string) (raw, text string) {
	if len(body) > leakScanMax {
		// An error body is small; past this the decodes check has already
		// failed it, and regular expressions over megabytes cost seconds.
		body = body[:leakScanMax]
	}
	raw = string(body)
	var b strings.Builder
	b.WriteString(raw)
	var v any
	if len(body) > 0 && (body[0] == '{' || body[0] == '[') && json.Unmarshal(body, &v) == nil {
		b.WriteByte('\n')
		collectStrings(&b, v, 0)
	}
	text = b.String()
	if path != "" && path != "/" {
		text = strings.ReplaceAll(text, path, " ")
	}
	return raw, withoutURLs(text)
}

func collectStrings(b *strings.Builder, v any, depth int) {
	if depth > 32 {
		return
	}
	switch x := v.(type) {
	case string:
		b.WriteString(x)
		b.WriteByte('\n')
	case []any:
		for _, e := range x {
			collectStrings(b, e, depth+1)
		}
	case map[string]any:
		for k, e := range x {
			b.WriteString(k)
			b.WriteByte('\n')
			collectStrings(b, e, depth+1)
		}
	}
}
