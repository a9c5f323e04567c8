package client

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// replayBody is a response body that can be rewound without allocating, so
// BenchmarkDecode measures Decode, not the test's plumbing.
type replayBody struct{ bytes.Reader }

func (*replayBody) Close() error { return nil }

func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct{ name, file, ct string }{
		{"envelope", "envelope_validation.json", "application/json"},
		{"problem", "problem_apierr.json", "application/problem+json"},
		{"seed001_fastapi", "seed001_fastapi_detail.json", "application/json"},
		{"seed002", "seed002.json", "application/json"},
		{"seed003", "seed003_validation.json", "application/json"},
		{"seed004", "seed004.json", "application/json"},
		{"stripe", "stripe_resource_missing.json", "application/json"},
		{"google", "google_quota.json", "application/json"},
		{"microsoft", "microsoft.json", "application/json"},
		{"jsonapi", "jsonapi.json", "application/vnd.api+json"},
		{"github", "github.json", "application/json"},
		{"fieldmap", "fieldmap.json", "application/json"},
		{"fastapi_list", "fastapi_validation.json", "application/json"},
		{"kubernetes", "kubernetes_invalid.json", "application/json"},
		{"aws_json", "aws_json.json", "application/x-amz-json-1.0"},
		{"s3_xml", "s3_no_such_key.xml", "application/xml"},
		{"twilio", "twilio.json", "application/json"},
		{"html", "nginx_502.html", "text/html"},
		{"text", "envoy_503.txt", "text/plain"},
	} {
		body, err := os.ReadFile(filepath.Join("testdata", "decode", bc.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			rb := &replayBody{}
			resp := &http.Response{StatusCode: 422, Header: http.Header{
				"Content-Type": {bc.ct}, "X-Request-Id": {"req-1"}}}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				rb.Reset(body)
				resp.Body, resp.ContentLength = rb, int64(len(body))
				if Decode(resp) == nil {
					b.Fatal("nil error")
				}
			}
		})
	}
}
