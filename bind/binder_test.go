package bind_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
	"github.com/go-playground/validator/v10"
)

func TestNewRefusesBadRules(t *testing.T) {
	for name, cfg := range map[string]bind.Config{
		"enum without values":     {Enums: map[string][]string{"tier": nil}},
		"enum named like a rule":  {Enums: map[string][]string{"e164": {"x"}}},
		"rule replacing built-in": {Rules: map[string]validator.Func{"uuid": func(validator.FieldLevel) bool { return true }}},
		"empty rule tag":          {Rules: map[string]validator.Func{"": func(validator.FieldLevel) bool { return true }}},
	} {
		t.Run(name, func(t *testing.T) {
			if b, err := bind.New(cfg); err == nil || b != nil || !strings.HasPrefix(err.Error(), "bind: ") {
				t.Fatalf("New = %v, %v; want an error prefixed bind:", b, err)
			}
		})
	}
}

// Binders do not share rules: an enum of one is unknown to another and to
// the default Binder (nothing is registered globally).
func TestBindersAreIndependent(t *testing.T) {
	type plan struct {
		Tier string `json:"tier" validate:"tier"`
	}
	gold, err := bind.New(bind.Config{Enums: map[string][]string{"tier": {"gold", "silver"}}})
	if err != nil {
		t.Fatal(err)
	}
	err = gold.Validate(&plan{Tier: "bronze"})
	var e *apierr.Error
	if !errors.As(err, &e) || e.Condition != apierr.CondValidationFailed || e.Fields[0].Message != "tier must be one of: gold, silver." {
		t.Fatalf("gold binder: %v", err)
	}
	if err := gold.Validate(&plan{Tier: "gold"}); err != nil {
		t.Fatalf("gold binder, valid value: %v", err)
	}
	other, err := bind.New(bind.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for name, validate := range map[string]func(any) error{"another binder": other.Validate, "the default binder": bind.Validate} {
		// An unknown tag is the validator's panic, which the Binder must
		// not hide; it proves the rule did not leak.
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s knows the tier rule of another", name)
				}
			}()
			_ = validate(&plan{Tier: "gold"})
		}()
	}
}

func TestBinderDefaults(t *testing.T) {
	type doc struct {
		A string `json:"a"`
	}
	strict, err := bind.New(bind.Config{DisallowUnknownFields: true, MaxBytes: 16})
	if err != nil {
		t.Fatal(err)
	}
	var v doc
	err = strict.JSON(httptest.NewRequest("POST", "/", strings.NewReader(`{"b":1}`)), &v)
	var e *apierr.Error
	if !errors.As(err, &e) || e.Condition != apierr.CondMalformedBody || e.Context["field"] != "b" {
		t.Fatalf("unknown field with the Binder's default: %v", err)
	}
	err = strict.JSON(httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"0123456789abcdef"}`)), &v)
	if !errors.As(err, &e) || e.Condition != apierr.CondPayloadTooLarge {
		t.Fatalf("body over the Binder's MaxBytes: %v", err)
	}
	if err := strict.JSON(httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"0123456789abcdef"}`)), &v, bind.MaxBytes(64)); err != nil {
		t.Fatalf("a call's option overrides the Binder's default: %v", err)
	}
}
