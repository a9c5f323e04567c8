package apierr

// Describer is a Format that documents its own body. Generators (docgen)
// list its Members on the reference page and put its Schemas in OpenAPI
// documents; a Format that is not a Describer is described from the bodies
// it renders for the catalog's examples. Envelope and Problem are
// Describers, and so is Opaque.
type Describer interface {
	Format
	// Members lists the body's members, each parent before its children.
	// An empty list says the shape is not known.
	Members(cat *Catalog) []Member
	// Schemas returns the JSON Schema (draft 2020-12, as OpenAPI 3.1 uses
	// it) of the body first, then the schemas it refers to as
	// "#/components/schemas/NAME".
	Schemas(cat *Catalog) []Schema
}

// Member documents one member of an error body.
type Member struct {
	// Name is the member's JSON path: "error", "context.errors",
	// "errors[].field".
	Name string
	// Type is its JSON type as docs show it: "string", "string (URI)",
	// "integer", "object" …
	Type string
	// Description says what it carries.
	Description string
}

// Schema is one named JSON Schema, as a JSON object whose member order is
// kept in generated documents.
type Schema struct {
	Name string
	JSON []byte
}

var (
	_ Describer = envelope{}
	_ Describer = problem{}
	_ Describer = opaque{}
)

// exampleAction is an action the catalog uses, for descriptions.
func exampleAction(cat *Catalog) string {
	for _, c := range cat.Codes() {
		if c.Action != "" && !c.Fallback {
			return c.Action
		}
	}
	return "retry"
}

// Members describes the envelope.
func (envelope) Members(cat *Catalog) []Member {
	return []Member{
		{"error", "string", "The error code: stable and machine-readable, one of the codes below. Match on it."},
		{"message", "string", "A human-readable message. Show it to people; it may change, so never match on it."},
		{"action", "string", "The programmatic next step, e.g. " + exampleAction(cat) + "."},
		{"docs", "string (URL)", "The permalink to the code's entry in this reference."},
		{"detail", "string", "Optional explanation of this occurrence."},
		{"context", "object", "Documented, code-specific data (see each code). For validation errors, context.errors maps each field to its messages."},
		{"request_id", "string", "The request's ID, also sent in the " + cat.RequestIDHeader() + " header. Quote it to support."},
	}
}

// Schemas returns the envelope's schema ("Error") and its field errors'.
func (envelope) Schemas(cat *Catalog) []Schema {
	name := cat.Name()
	if name == "" {
		name = "API"
	}
	var b []byte
	b = append(b, `{"type":"object","description":`...)
	b = AppendString(b, "An error of the "+name+". Match on error; show message to people.")
	b = append(b, `,"required":["error","message"],"properties":{`+
		`"error":{"type":"string","description":"The error code: stable and machine-readable."},`+
		`"message":{"type":"string","description":"A human-readable message. It may change; never match on it."},`+
		`"action":{"type":"string","description":"The programmatic next step."},`+
		`"docs":{"type":"string","format":"uri-reference","description":"The permalink to the code's documentation."},`+
		`"detail":{"type":"string","description":"Optional explanation of this occurrence."},`+
		`"context":{"type":"object","description":"Documented, code-specific data.","properties":{"errors":{"$ref":"#/components/schemas/FieldErrors"}},"additionalProperties":true},`+
		`"request_id":{"type":"string","description":`...)
	b = AppendString(b, "The request's ID, also in the "+cat.RequestIDHeader()+" header.")
	b = append(b, `}}}`...)
	return []Schema{
		{"Error", b},
		{"FieldErrors", []byte(`{"type":"object","description":"Validation messages per field, keyed by the field's JSON path.",` +
			`"additionalProperties":{"type":"array","items":{"type":"string"}}}`)},
	}
}

// Members describes the problem details object.
func (problem) Members(cat *Catalog) []Member {
	return []Member{
		{"type", "string (URI)", "The permalink to the code's entry in this reference (about:blank when there is none)."},
		{"title", "string", "A short summary of the code; the same for every occurrence."},
		{"status", "integer", "The HTTP status code."},
		{"detail", "string", "A human-readable explanation of this occurrence."},
		{"instance", "string (URI)", "The request path this occurrence concerns."},
		{"code", "string", "The error code: stable and machine-readable, one of the codes below. Match on it."},
		{"action", "string", "The programmatic next step, e.g. " + exampleAction(cat) + "."},
		{"request_id", "string", "The request's ID, also sent in the " + cat.RequestIDHeader() + " header."},
		{"retry_after", "integer", "Seconds to wait before retrying, as in the Retry-After header."},
		{"errors", "array", "Field errors of a validation failure: objects with field, rule and message."},
		{"context", "object", "Documented, code-specific data (see each code)."},
	}
}

// Schemas returns the problem details schema ("Problem") and its field
// error's.
func (problem) Schemas(*Catalog) []Schema {
	return []Schema{
		{"Problem", []byte(`{"type":"object","description":"RFC 9457 problem details, with the apierr extension members.",` +
			`"required":["type","title","status","detail","code"],"properties":{` +
			`"type":{"type":"string","format":"uri-reference","description":"The permalink to the code's documentation, or about:blank."},` +
			`"title":{"type":"string","description":"A short summary of the code."},` +
			`"status":{"type":"integer","minimum":400,"maximum":599,"description":"The HTTP status code."},` +
			`"detail":{"type":"string","description":"A human-readable explanation of this occurrence."},` +
			`"instance":{"type":"string","format":"uri-reference","description":"The request path of this occurrence."},` +
			`"code":{"type":"string","description":"The error code: stable and machine-readable."},` +
			`"action":{"type":"string","description":"The programmatic next step."},` +
			`"request_id":{"type":"string","description":"The request's ID."},` +
			`"retry_after":{"type":"integer","minimum":0,"description":"Seconds to wait before retrying."},` +
			`"errors":{"type":"array","items":{"$ref":"#/components/schemas/FieldError"},"description":"Field errors of a validation failure."},` +
			`"context":{"type":"object","additionalProperties":true,"description":"Documented, code-specific data."}}}`)},
		{"FieldError", []byte(`{"type":"object","description":"One violation of one request field.","required":["field","message"],"properties":{` +
			`"field":{"type":"string","description":"The field's JSON path, e.g. participant.number."},` +
			`"rule":{"type":"string","description":"The rule that failed, e.g. required, e164, uuid."},` +
			`"message":{"type":"string","description":"A human-readable message about the field."}}}`)},
	}
}

// Opaque returns a stand-in for a format known only by its name: an API's
// own shape whose Format lives in a program the caller does not link, such
// as a catalog the apierr CLI reads for a server written elsewhere. It lets
// the catalog's codes be linted and documented without pretending to know
// the body: it describes no members, its schema says only that the shape is
// the API's own, and it renders the envelope's body (as application/json) so
// that nothing built on it fails, though those bytes are not what the API
// sends. See WithUnknownFormats.
func Opaque(name string) Format { return opaque{name} }

type opaque struct{ name string }

func (f opaque) Name() string                         { return f.name }
func (opaque) ContentType() string                    { return "application/json" }
func (opaque) AppendBody(dst []byte, e *Error) []byte { return envelope{}.AppendBody(dst, e) }
func (opaque) Members(*Catalog) []Member              { return nil }
func (f opaque) Schemas(*Catalog) []Schema {
	d := AppendString(nil, "The API's own error format "+f.name+"; its shape is not known to the generator.")
	return []Schema{{componentName(f.name) + "Error", append(append([]byte(`{"description":`), d...), '}')}}
}

// componentName turns a format name into a PascalCase schema name.
func componentName(s string) string {
	var b []byte
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b = append(b, byte(r))
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b = append(b, byte(r))
			up = false
		default:
			up = true
		}
	}
	return string(b)
}
