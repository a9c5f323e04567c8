package mail_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierr/apierr/examples/mail"
)

// Registering an address twice is address_taken, the body the mail API's
// page prints.
func Example() {
	srv := httptest.NewServer(mail.NewServer(mail.Config{}))
	defer srv.Close()
	for range 2 {
		res, err := http.Post(srv.URL+"/api/accounts", "application/json",
			strings.NewReader(`{"address":"ada@mail.test","password":"secret-pw"}`))
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 201 {
			fmt.Println(res.StatusCode, string(body))
		}
	}
	// Output:
	// 409 {"error":"address_taken","message":"This email address is already in use"}
}
