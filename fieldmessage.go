package apierr

import (
	"strings"
)

// FieldMessage returns the catalog's own message for a violation of rule
// by the field at path field, in the catalog's language (a view made by
// Localized or ForAcceptLanguage words it in its language, falling back to
// the catalog's text): the message keyed field.rule in field_messages, else
// the one keyed rule. In it, {field} becomes field and each {name} of args
// (name, value pairs, e.g. "param", "10") its value. It reports false when
// the catalog words no message for the violation; the caller then uses its
// own (bind uses the validator's, in the same language where it has one).
func (c *Catalog) FieldMessage(field, rule string, args ...string) (string, bool) {
	if len(c.fieldMessages) == 0 {
		return "", false
	}
	msg, ok := c.fieldMessages[field+"."+rule]
	if !ok {
		if msg, ok = c.fieldMessages[rule]; !ok {
			return "", false
		}
	}
	if !strings.Contains(msg, "{") {
		return msg, true
	}
	pairs := make([]string, 0, 2+len(args))
	pairs = append(pairs, "{field}", field)
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(msg), true
}

// FieldMessages returns the catalog's field messages by key (see
// FieldMessage), in the catalog's language. The map must not be modified.
func (c *Catalog) FieldMessages() map[string]string { return c.fieldMessages }

// placeholders returns the {name} placeholders of s, sorted and unique.
func placeholders(s string) []string {
	found := placeholder.FindAllString(s, -1)
	if len(found) < 2 {
		return found
	}
	seen := map[string]bool{}
	out := found[:0]
	for _, p := range found {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sortStrings(out)
	return out
}
