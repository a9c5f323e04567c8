package probe_test

import (
	"context"
	"fmt"
	"os"

	"github.com/apierr/apierr/probe"
	"github.com/apierr/apierr/probe/probetest"
)

func ExampleRun() {
	api := probetest.Correct(0) // a reference API that keeps the contract
	defer api.Close()

	rep, err := probe.Run(context.Background(), probe.Config{
		BaseURL:  api.URL,
		Catalog:  api.Catalog,
		Key:      probetest.Key,
		PostPath: probetest.PostPath,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // a bad configuration, or ctx cancelled
		return
	}
	fmt.Println("contract kept:", rep.OK())
	for _, f := range rep.Failures() {
		fmt.Println(f.Check, f.Request, f.Why)
	}
	// Output:
	// contract kept: true
}

func ExampleRun_broken() {
	api := probetest.Broken()
	defer api.Close()

	rep, _ := probe.Run(context.Background(), probe.Config{BaseURL: api.URL, Key: probetest.Key})
	for _, f := range rep.Failures() {
		if f.Request == "unknown_endpoint" {
			fmt.Println(f.Check, "-", f.Why)
		}
	}
	// Output:
	// content_type - text/plain is not JSON
	// decodes - body is not JSON: "404 page not found"
	// request_id - no request ID (no X-Request-ID/Request-Id/X-Request-Id/X-Correlation-ID/X-Amzn-RequestId/X-Trace-ID header, none in the body)
}
