package apierrotel

import "fmt"

// typeName is the Go type of err, a low-cardinality error.type for a
// transport failure ("*net.OpError").
func typeName(err error) string { return fmt.Sprintf("%T", err) }
