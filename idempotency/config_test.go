package idempotency_test

import (
	"net/http"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/idempotency"
)

func TestDefaultScope(t *testing.T) {
	scope := func(p *apierr.Principal) (string, bool) {
		r, _ := http.NewRequest("POST", "/", nil)
		if p != nil {
			st := apierr.NewState(nil, "")
			st.SetPrincipal(p)
			r = r.WithContext(apierr.NewContext(r.Context(), st))
		}
		return idempotency.DefaultScope(r)
	}
	if _, ok := scope(nil); ok {
		t.Error("no principal: got a scope; want none")
	}
	if _, ok := scope(&apierr.Principal{KeyID: "k"}); ok {
		t.Error("principal without tenant or subject: got a scope; want none")
	}
	distinct := []*apierr.Principal{
		{Tenant: "A"}, {Tenant: "B"}, {Tenant: "A", Environment: "live"},
		{Subject: "A"}, {Tenant: "A:1"}, {Tenant: "A", Environment: "1"},
	}
	seen := map[string]int{}
	for i, p := range distinct {
		s, ok := scope(p)
		if !ok {
			t.Fatalf("%+v: no scope", p)
		}
		if j, dup := seen[s]; dup {
			t.Fatalf("%+v and %+v share scope %q", p, distinct[j], s)
		}
		seen[s] = i
	}
	u1, _ := scope(&apierr.Principal{Tenant: "A", Subject: "u1"})
	u2, _ := scope(&apierr.Principal{Tenant: "A", Subject: "u2"})
	if u1 != u2 {
		t.Error("users of one tenant have different scopes; want the tenant's")
	}
}

func TestDefaultStorePolicy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		err    *apierr.Error
		want   bool
	}{
		{"success", 201, nil, true},
		{"handler's own 4xx", 404, nil, true},
		{"business error", 402, &apierr.Error{Code: "insufficient_balance", Status: 402}, true},
		{"validation", 422, &apierr.Error{Code: "validation_failed", Condition: apierr.CondValidationFailed, Status: 422}, false},
		{"auth", 401, &apierr.Error{Code: "x", Condition: apierr.CondAuthInvalid, Status: 401}, false},
		{"429", 429, nil, false},
		{"500", 500, nil, false},
		{"503 business code", 503, &apierr.Error{Code: "maintenance", Status: 503}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := idempotency.DefaultStorePolicy(tc.status, tc.err); got != tc.want {
				t.Fatalf("DefaultStorePolicy(%d, %v) = %v; want %v", tc.status, tc.err, got, tc.want)
			}
		})
	}
}
