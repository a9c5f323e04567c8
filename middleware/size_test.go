package middleware

import (
	"testing"
	"unsafe"
)

// The writer is every request's one allocation of the stack; a field added
// to it must not move it to the next size class (576 bytes).
func TestWriterSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(responseWriter{}); n > writerSize {
		t.Errorf("responseWriter is %d bytes, over the %d-byte size class", n, writerSize)
	}
}
