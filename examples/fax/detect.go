package fax

import (
	"bytes"
	"encoding/binary"
)

// Media types of the documents the API accepts.
const (
	mediaPDF  = "application/pdf"
	mediaTIFF = "image/tiff"
	mediaJPEG = "image/jpeg"
)

// sniff returns the media type of doc from its magic bytes, or "" when doc is
// not a PDF, TIFF or JPEG. The client's Content-Type and file name are never
// trusted: only the bytes decide.
func sniff(doc []byte) string {
	switch {
	case bytes.HasPrefix(doc, []byte("%PDF-")):
		return mediaPDF
	case bytes.HasPrefix(doc, []byte("II*\x00")), bytes.HasPrefix(doc, []byte("MM\x00*")):
		return mediaTIFF
	case bytes.HasPrefix(doc, []byte{0xFF, 0xD8, 0xFF}):
		return mediaJPEG
	}
	return ""
}

// countPages returns the number of pages of doc, at least 1. It is a cost
// estimate, not a validator: a PDF counts its page objects, a TIFF its image
// file directories, a JPEG is one page.
func countPages(mediaType string, doc []byte) int {
	n := 1
	switch mediaType {
	case mediaPDF:
		n = pdfPages(doc)
	case mediaTIFF:
		n = tiffPages(doc)
	}
	return max(n, 1)
}

// pdfPages counts "/Type /Page" objects (whitespace between the two names is
// optional), leaving out "/Type /Pages", the page tree nodes.
func pdfPages(doc []byte) int {
	n := 0
	typ := []byte("/Type")
	for i := 0; ; {
		j := bytes.Index(doc[i:], typ)
		if j < 0 {
			return n
		}
		k := i + j + len(typ)
		for k < len(doc) && isPDFSpace(doc[k]) {
			k++
		}
		if bytes.HasPrefix(doc[k:], []byte("/Page")) {
			end := k + len("/Page")
			if end == len(doc) || isPDFDelimiter(doc[end]) {
				n++
			}
		}
		i = k
	}
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0
}

func isPDFDelimiter(c byte) bool {
	return isPDFSpace(c) || bytes.IndexByte([]byte("/<>[]()%{}"), c) >= 0
}

// maxTIFFPages bounds the IFD walk so a crafted file cannot keep it busy.
const maxTIFFPages = 10000

// tiffPages walks the chain of image file directories (one per page). A
// malformed chain ends the count at the last directory read; a chain that
// loops back to a directory already seen ends it too.
func tiffPages(doc []byte) int {
	if len(doc) < 8 {
		return 0
	}
	var order binary.ByteOrder = binary.LittleEndian
	if doc[0] == 'M' {
		order = binary.BigEndian
	}
	off := uint64(order.Uint32(doc[4:8]))
	seen := make(map[uint64]bool)
	n := 0
	for off != 0 && n < maxTIFFPages {
		if seen[off] || off+2 > uint64(len(doc)) {
			break
		}
		seen[off] = true
		entries := uint64(order.Uint16(doc[off : off+2]))
		next := off + 2 + entries*12
		if next+4 > uint64(len(doc)) {
			break
		}
		n++
		off = uint64(order.Uint32(doc[next : next+4]))
	}
	return n
}
