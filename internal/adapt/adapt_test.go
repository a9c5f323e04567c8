package adapt

import (
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/go-playground/validator/v10"
)

type item struct {
	SKU   string `json:"sku" binding:"required"`
	Count int    `json:"count" binding:"min=1"`
}

type order struct {
	Participant struct {
		Number string `json:"number" binding:"required,e164"`
	} `json:"participant"`
	Items  []item           `json:"items" binding:"dive"`
	ByName map[string]*item `json:"by_name" binding:"dive"`
	Note   string           `binding:"max=3"`
	Skip   string           `json:"-" binding:"max=1"`
}

func TestJSONPath(t *testing.T) {
	root := reflect.TypeOf(&order{})
	for _, tc := range []struct{ in, want string }{
		{"Participant.Number", "participant.number"},
		{"Items[2].SKU", "items[2].sku"},
		{"ByName[a].Count", "by_name[a].count"},
		{"Note", "Note"},
		{"Skip", "Skip"},
		{"Unknown.Deeper", "Unknown.Deeper"},
		{"", ""},
	} {
		if got := JSONPath(root, tc.in); got != tc.want {
			t.Errorf("JSONPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValidationErrorNamesFieldsAsSent(t *testing.T) {
	v := validator.New()
	v.SetTagName("binding") // gin's
	o := &order{Items: []item{{SKU: "a", Count: 1}, {Count: 0}}, Note: "long"}
	err := v.Struct(o)
	e := ValidationError(err, reflect.TypeOf(o), func(f string, fe validator.FieldError) string { return f + " " + fe.Tag() })
	if e == nil || e.Condition != apierr.CondValidationFailed {
		t.Fatalf("%v", e)
	}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field+":"+f.Rule+":"+f.Message)
	}
	want := "participant.number:required:participant.number required items[1].sku:required:items[1].sku required items[1].count:min:items[1].count min Note:max:Note max"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if ValidationError(io.EOF, nil, nil) != nil {
		t.Error("not a validation error")
	}
}

func TestDecodeError(t *testing.T) {
	var v struct {
		Pages int `json:"pages"`
	}
	typeErr := json.Unmarshal([]byte(`{"pages":"two"}`), &v)
	synErr := json.Unmarshal([]byte(`{"pages":`), &v)
	for _, tc := range []struct {
		name  string
		err   error
		cond  apierr.Condition
		field string
	}{
		{"wrong type names the field", typeErr, apierr.CondMalformedBody, "pages"},
		{"syntax error", synErr, apierr.CondMalformedBody, ""},
		{"empty body", io.EOF, apierr.CondMalformedBody, ""},
		{"cut body", io.ErrUnexpectedEOF, apierr.CondMalformedBody, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := DecodeError(tc.err)
			if e == nil || e.Condition != tc.cond || e.Detail == "" {
				t.Fatalf("%+v", e)
			}
			if f, _ := e.Context["field"].(string); f != tc.field {
				t.Errorf("field %q", f)
			}
		})
	}
	if DecodeError(nil) != nil || DecodeError(io.ErrClosedPipe) != nil {
		t.Error("other errors are not decode errors")
	}
}

// FuzzJSONPath: any namespace a validator could report (or not) maps
// without panicking.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"Participant.Number", "Items[2].SKU", "ByName[a].Count", "[", "a[[b]]", ".", "Items[", "Items]x[.SKU"} {
		f.Add(s)
	}
	root := reflect.TypeOf(&order{})
	f.Fuzz(func(t *testing.T, s string) {
		_ = JSONPath(root, s)
		_ = JSONPath(nil, s)
	})
}
