// Package respond writes the success bodies of the seed services, so each
// service's handlers only say what to send.
package respond

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// JSON writes v as a JSON body with status. An encoding failure is returned
// before anything is written, so the caller's apierr.HandlerFunc renders it
// as the internal condition (its text only in the log).
func JSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("respond: encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}
