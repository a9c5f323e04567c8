package apierrhuma_test

import (
	"testing"

	apierrhuma "github.com/apierr/apierr/adapters/huma"
	"github.com/danielgtaylor/huma/v2"
)

// FuzzConvert: whatever location and message huma reports, the conversion
// gives one field error per detail and never panics.
func FuzzConvert(f *testing.F) {
	for _, s := range [][2]string{
		{"body", "expected required property to to be present"},
		{"body.items[2]", "expected required property sku to be present"},
		{"body.to", "expected string to match pattern ^\\+[1-9]\\d{1,14}$"},
		{"query.limit", "invalid integer"},
		{"body.n", "expected number >= 1"},
		{"", "%"},
		{"body.", "expected length >= "},
		{"body", "expected required property  to be present"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, loc, msg string) {
		e := apierrhuma.Convert(422, "validation failed", &huma.ErrorDetail{Location: loc, Message: msg})
		if len(e.Fields) != 1 || e.Fields[0].Message == "" {
			t.Fatalf("%q %q: %+v", loc, msg, e.Fields)
		}
	})
}
