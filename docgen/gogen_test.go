package docgen_test

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/docgen"
)

func TestGoCodeGolden(t *testing.T) {
	for _, ex := range exampleCatalogs(t) {
		t.Run(ex.name, func(t *testing.T) {
			src, err := docgen.GoCode(ex.cat, ex.name+"errs")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(src, []byte(docgen.GoHeader+"\n")) {
				t.Errorf("no generated-code header")
			}
			if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
				t.Errorf("output is not gofmt-clean (%v)", err)
			}
			golden(t, ex.name+"/errors.go.golden", src)
		})
	}
}

func TestGoCodeRejectsBadPackage(t *testing.T) {
	cat := apierr.Default()
	for _, pkg := range []string{"", "1x", "a-b", "_"} {
		if _, err := docgen.GoCode(cat, pkg); err == nil {
			t.Errorf("package %q accepted", pkg)
		}
	}
}

// formatPackages are the example packages that export their catalogs'
// formats, by format name, for the program below.
var formatPackages = map[string][2]string{
	"calls":        {"github.com/apierr/apierr/examples/calls", "calls.Format"},
	"campaigns":    {"github.com/apierr/apierr/examples/campaigns", "campaigns.Format"},
	"inbox":        {"github.com/apierr/apierr/examples/inbox", "inbox.Format"},
	"inbox-simple": {"github.com/apierr/apierr/examples/inbox", "inbox.SimpleFormat"},
	"mail":         {"github.com/apierr/apierr/examples/mail", "mail.Format"},
}

// TestGoCodeCompilesAndRenders writes the generated package of every
// example catalog into a temporary directory of this module, with a program
// that calls every constructor with the documented example's context values
// (its other members set as the example sets them) and prints the rendered
// body. Each body must be the example body the docs show: the generated
// constructors build exactly the documented errors.
func TestGoCodeCompilesAndRenders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program: skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool on PATH: %v", err)
	}
	dir, err := os.MkdirTemp(".", "_gentest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })

	exs := exampleCatalogs(t)
	imports := map[string]bool{`"fmt"`: true, `"time"`: true, `"github.com/apierr/apierr"`: true}
	var body strings.Builder
	want := map[string]string{}
	for _, ex := range exs {
		pkg := ex.name + "errs"
		src, err := docgen.GoCode(ex.cat, pkg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, "errors_gen.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		imports[strconv.Quote("github.com/apierr/apierr/docgen/"+filepath.ToSlash(filepath.Clean(dir))+"/"+pkg)] = true
		formatOpt := ""
		if f := ex.cat.Formats()[0]; f != apierr.Envelope && f != apierr.Problem {
			fp, ok := formatPackages[f.Name()]
			if !ok {
				t.Fatalf("%s: format %q: add its package to formatPackages", ex.name, f.Name())
			}
			imports[strconv.Quote(fp[0])] = true
			formatOpt = ", apierr.WithFormats(" + fp[1] + ")"
		}
		abs, _ := filepath.Abs(ex.file)
		fmt.Fprintf(&body, "\t{\n\t\tcat := must(apierr.LoadFile(%q%s))\n\t\tf := cat.Formats()[0]\n\t\t_ = f\n", abs, formatOpt)
		names := goNames(t, src)
		fields := goContextFields(src)
		for _, c := range ex.cat.Codes() {
			var args, opts []string
			expect := c.ExampleError()
			expect.Context = nil
			optional := fields[names[c.ID]+"Context"]
			for _, k := range c.ContextKeys {
				var v any
				if c.Example != nil {
					v = c.Example.Context[k.Name]
				}
				lit, val := goLiteral(k.Type, k.Items, v)
				if k.Required {
					// A required key is a parameter: always on the wire.
					args = append(args, lit)
					expect.With(k.Name, val)
					continue
				}
				// An optional key is a field of the Context struct, set
				// when the example documents it, absent otherwise.
				field := optional[0]
				optional = optional[1:]
				if v != nil {
					opts = append(opts, field+": "+lit)
					expect.With(k.Name, val)
				}
			}
			if len(opts) > 0 {
				args = append(args, pkg+"."+names[c.ID]+"Context{"+strings.Join(opts, ", ")+"}")
			}
			fmt.Fprintf(&body, "\t\t{\n\t\t\te := %s.%s(%s)\n", pkg, names[c.ID], strings.Join(args, ", "))
			if x := c.Example; x != nil {
				fmt.Fprintf(&body, "\t\t\te.Message = %q\n\t\t\te.Detail = %q\n\t\t\te.RequestID = %q\n\t\t\te.RetryAfter = time.Duration(%d)\n", expect.Message, expect.Detail, x.RequestID, x.RetryAfter)
				if len(x.Fields) > 0 {
					fmt.Fprintf(&body, "\t\t\te.Fields = %#v\n", x.Fields)
				}
			}
			fmt.Fprintf(&body, "\t\t\tfmt.Printf(\"%%s\\t%%s\\n\", %q, cat.Render(f, e))\n\t\t}\n", ex.name+"/"+c.ID)
			want[ex.name+"/"+c.ID] = string(ex.cat.Render(ex.cat.Formats()[0], expect))
		}
		body.WriteString("\t}\n")
	}
	var imps []string
	for i := range imports {
		imps = append(imps, i)
	}
	sort.Strings(imps)
	prog := "package main\n\nimport (\n\t" + strings.Join(imps, "\n\t") + "\n)\n\nfunc must(c *apierr.Catalog, err error) *apierr.Catalog {\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\treturn c\n}\n\nfunc main() {\n" + body.String() + "}\n"
	prog = strings.ReplaceAll(prog, "docgen.FieldError", "apierr.FieldError")
	prog = strings.ReplaceAll(prog, "[]apierr.FieldError{apierr.FieldError{", "[]apierr.FieldError{{")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goTool, "run", "./"+filepath.ToSlash(dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, stderr.String())
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(line, "\t")
		got[k] = v
	}
	t.Logf("%d constructors called, %d bodies compared", len(got), len(want))
	if len(got) != len(want) {
		t.Errorf("%d bodies printed, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s:\n got: %s\nwant: %s", k, got[k], w)
		}
	}
}

// goNames maps each code id to its constructor, read from the generated
// source's doc comments ("// Name returns the id error").
func goNames(t *testing.T, src []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(string(src), "\n") {
		var name, id string
		if _, err := fmt.Sscanf(line, "// %s returns the %s error", &name, &id); err == nil {
			m[id] = name
		}
	}
	return m
}

// goContextFields maps each generated <Name>Context struct to its field
// names, in order.
func goContextFields(src []byte) map[string][]string {
	m := map[string][]string{}
	var cur string
	for _, line := range strings.Split(string(src), "\n") {
		var name string
		if _, err := fmt.Sscanf(line, "type %s struct {", &name); err == nil {
			cur = name
			continue
		}
		if line == "}" {
			cur = ""
			continue
		}
		if cur != "" && strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "\t//") {
			m[cur] = append(m[cur], strings.Fields(line)[0])
		}
	}
	return m
}

// goLiteral returns a Go literal of the parameter type for a context key of
// jsonType (and items, for an array) and the example value v (the zero value
// when v does not fit), and the value the constructor will store.
func goLiteral(jsonType, items string, v any) (string, any) {
	if jsonType == "array" && items == "string" {
		var ss []string
		if a, ok := v.([]any); ok {
			for _, x := range a {
				s, _ := x.(string)
				ss = append(ss, s)
			}
		}
		return fmt.Sprintf("%#v", ss), ss
	}
	switch jsonType {
	case "integer":
		switch x := v.(type) {
		case int:
			return strconv.Itoa(x), x
		case int64:
			return strconv.FormatInt(x, 10), int(x)
		case float64:
			if x == float64(int(x)) {
				return strconv.Itoa(int(x)), int(x)
			}
		}
		return "0", 0
	case "number":
		switch x := v.(type) {
		case int:
			return "float64(" + strconv.Itoa(x) + ")", float64(x)
		case float64:
			return "float64(" + strconv.FormatFloat(x, 'g', -1, 64) + ")", x
		}
		return "float64(0)", float64(0)
	case "string":
		if s, ok := v.(string); ok {
			return strconv.Quote(s), s
		}
		return `""`, ""
	case "boolean":
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), b
		}
		return "false", false
	case "object":
		if m, ok := v.(map[string]any); ok {
			return fmt.Sprintf("%#v", m), m
		}
		return "map[string]any(nil)", map[string]any(nil)
	case "array":
		if a, ok := v.([]any); ok {
			return fmt.Sprintf("%#v", a), a
		}
		return "[]any(nil)", []any(nil)
	}
	if v == nil {
		return "nil", nil
	}
	return fmt.Sprintf("%#v", v), v
}
