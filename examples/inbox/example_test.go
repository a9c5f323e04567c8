package inbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apierr/apierr/examples/inbox"
)

// Without an API key the inbox API answers 401 with its structured body;
// request_id repeats the X-Request-ID header.
func Example() {
	srv := httptest.NewServer(inbox.NewServer(inbox.Config{}))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/v1/jobs/550e8400-e29b-41d4-a716-446655440000")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	fmt.Println(res.StatusCode, body["error"], body["details"])
	fmt.Println(body["message"])
	fmt.Println(body["request_id"] == res.Header.Get("X-Request-ID"))
	// Output:
	// 401 missing_api_key <nil>
	// No API key was sent.
	// true
}
