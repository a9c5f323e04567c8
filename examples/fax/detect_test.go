package fax

import (
	"encoding/binary"
	"testing"
)

// tiff builds a little-endian TIFF with n chained, empty directories.
func tiff(n int) []byte {
	b := []byte("II*\x00")
	b = binary.LittleEndian.AppendUint32(b, 8)
	for i := 0; i < n; i++ {
		b = binary.LittleEndian.AppendUint16(b, 0) // no entries
		next := uint32(0)
		if i < n-1 {
			next = uint32(len(b) + 4)
		}
		b = binary.LittleEndian.AppendUint32(b, next)
	}
	return b
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n"), mediaPDF},
		{"little-endian tiff", []byte("II*\x00\x08\x00\x00\x00"), mediaTIFF},
		{"big-endian tiff", []byte("MM\x00*\x00\x00\x00\x08"), mediaTIFF},
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xDB}, mediaJPEG},
		{"png is refused", []byte("\x89PNG\r\n\x1a\n"), ""},
		{"text is refused", []byte("hello"), ""},
		{"empty", nil, ""},
		{"pdf magic not at the start", []byte(" %PDF-1.7"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sniff(tc.doc); got != tc.want {
				t.Errorf("sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCountPages(t *testing.T) {
	loop := tiff(2)
	binary.LittleEndian.PutUint32(loop[len(loop)-4:], 8) // last directory points back to the first
	for _, tc := range []struct {
		name      string
		mediaType string
		doc       []byte
		want      int
	}{
		{"one-page pdf", mediaPDF, pdf(1), 1},
		{"five-page pdf, page tree not counted", mediaPDF, pdf(5), 5},
		{"pdf without spaces between names", mediaPDF, []byte("%PDF-1.4 <</Type/Page>> <</Type/Page/Parent 1 0 R>> <</Type/Pages>>"), 2},
		{"pdf with no page objects counts one", mediaPDF, []byte("%PDF-1.4"), 1},
		{"pdf /Type /PageLabel is not a page", mediaPDF, []byte("%PDF-1.4 /Type /PageLabel /Type /Page"), 1},
		{"three-page tiff", mediaTIFF, tiff(3), 3},
		{"tiff directory loop ends the count", mediaTIFF, loop, 2},
		{"tiff with a directory past the end", mediaTIFF, []byte("II*\x00\xff\x00\x00\x00"), 1},
		{"big-endian tiff", mediaTIFF, []byte("MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"), 1},
		{"jpeg", mediaJPEG, []byte{0xFF, 0xD8, 0xFF}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := countPages(tc.mediaType, tc.doc); got != tc.want {
				t.Errorf("countPages = %d, want %d", got, tc.want)
			}
		})
	}
}

// FuzzCountPages: no document makes the sniffer or the page counters panic
// or report fewer than one page. The seeds run in plain go test.
func FuzzCountPages(f *testing.F) {
	f.Add(pdf(3))
	f.Add(tiff(4))
	f.Add([]byte("MM\x00*\x00\x00\x00\x08\xff\xff"))
	f.Add([]byte("II*\x00\x00\x00\x00\x00"))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Add([]byte("%PDF-/Type"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, mt := range []string{sniff(doc), mediaPDF, mediaTIFF} {
			if n := countPages(mt, doc); n < 1 || n > max(len(doc), 1) {
				t.Fatalf("countPages(%q) = %d for %d bytes", mt, n, len(doc))
			}
		}
	})
}
