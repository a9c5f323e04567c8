package fax_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr/examples/fax"
)

// The demo API behind a test server: a fax to a workspace with no credits
// gets seed 000's insufficient_balance, with the amounts in its context.
func ExampleNewDemo() {
	srv, err := fax.NewDemo(fax.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	stop := srv.Start() // the transmitter
	defer stop()
	hs := httptest.NewServer(srv)
	defer hs.Close()

	req, _ := http.NewRequest("POST", hs.URL+"/fax",
		strings.NewReader(`{"to":"+14155550123","file":"JVBERi0xLjQKL1R5cGUgL1BhZ2UK"}`))
	req.Header.Set("Authorization", "Bearer "+fax.DemoLiveKey) // the live environment has no credits
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error, Message, Action, Docs string
		Context                      map[string]int
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	fmt.Println(resp.StatusCode, body.Error, body.Action)
	fmt.Println(body.Message)
	fmt.Println(body.Docs)
	fmt.Println("available", body.Context["available"], "required", body.Context["required"])
	// Output:
	// 402 insufficient_balance top_up_balance
	// Insufficient balance for this operation.
	// https://mintfax.com/docs/errors/insufficient-balance
	// available 0 required 10
}
