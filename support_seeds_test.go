package apierr

import (
	"strings"
	"testing"
)

func TestAlias(t *testing.T) {
	base, err := NewCatalog(Spec{Name: "t", Codes: []Code{
		{ID: "UNAUTHORIZED", Status: 401, Message: "Missing or invalid key.", Condition: CondAuthInvalid},
		{ID: "BAD_REQUEST", Status: 400, Message: "Bad request.", Condition: CondValidationFailed},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("conditions render as the aliased code", func(t *testing.T) {
		c, err := base.Alias("UNAUTHORIZED", CondAuthMissing, CondAuthMalformed)
		if err != nil {
			t.Fatal(err)
		}
		for _, cond := range []Condition{CondAuthMissing, CondAuthMalformed, CondAuthInvalid} {
			var res Error
			c.Resolve(&res, Cond(cond))
			if res.Code != "UNAUTHORIZED" || res.Status != 401 {
				t.Errorf("%s resolved to %s %d", cond, res.Code, res.Status)
			}
		}
	})
	t.Run("replaced fallbacks leave Codes", func(t *testing.T) {
		c := base.MustAlias("UNAUTHORIZED", CondAuthMissing)
		for _, k := range c.Codes() {
			if k.Condition == CondAuthMissing {
				t.Errorf("fallback %s still listed", k.ID)
			}
		}
		if c.Lookup("AUTHENTICATION_REQUIRED") != nil {
			t.Error("fallback still looked up by id")
		}
		if base.Lookup("AUTHENTICATION_REQUIRED") == nil {
			t.Error("the original catalog changed")
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, id string
			cond     Condition
			want     string
		}{
			{"unknown code", "NOPE", CondAuthMissing, `code "NOPE" is not declared`},
			{"fallback code", "AUTHENTICATION_REQUIRED", CondAuthMissing, `code "AUTHENTICATION_REQUIRED" is not declared`},
			{"unknown condition", "UNAUTHORIZED", "nope", `unknown condition "nope"`},
			{"condition bound to another declared code", "UNAUTHORIZED", CondValidationFailed, `already bound to "BAD_REQUEST"`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := base.Alias(tc.id, tc.cond)
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "apierr: ") {
					t.Errorf("err = %v, want it to contain %q", err, tc.want)
				}
			})
		}
	})
}
