package apierr

import "testing"

func BenchmarkLoadCatalog(b *testing.B) {
	data := defaultYAML
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data, "default.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
