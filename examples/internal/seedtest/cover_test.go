package seedtest

import (
	"reflect"
	"testing"

	"github.com/apierr/apierr"
)

func TestCodesMissing(t *testing.T) {
	cat, err := apierr.NewCatalog(apierr.Spec{Name: "t", Codes: []apierr.Code{
		{ID: "a", Status: 400, Message: "A."}, {ID: "b", Status: 409, Message: "B."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var c Codes
	log := c.Logger()
	log.Warn("apierr: error response", "request_id", "r1", "code", "a", "status", 400)
	log.Info("unrelated")
	if got := c.Missing(cat); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("Missing = %v, want [b] (fallbacks are not required)", got)
	}
}
