package apierr

import "strings"

// caseStyle is the case convention of a catalog's ids. A catalog keeps one
// style so clients can match codes without guessing.
type caseStyle uint8

const (
	styleUnknown    caseStyle = iota
	styleLowerSnake           // insufficient_balance
	styleUpperSnake           // INSUFFICIENT_BALANCE
	styleKebab                // insufficient-balance
	styleCamel                // insufficientBalance
	stylePascal               // InsufficientBalance
	styleDotted               // billing.insufficient_balance
)

func (s caseStyle) String() string {
	return [...]string{"unknown", "lower_snake", "UPPER_SNAKE", "kebab-case", "camelCase", "PascalCase", "dotted.lower"}[s]
}

// styleOf returns the styles id is written in. A single lower-case word fits
// lower_snake, kebab-case and camelCase alike, so the result is a set.
func styleOf(id string) (set uint8) {
	sh, ok := shapeOf(id)
	if !ok {
		return 0
	}
	return sh.styles(id[0] >= 'A' && id[0] <= 'Z')
}

// idShape is which kinds of character an id holds.
type idShape struct{ lower, upper, underscore, hyphen, dot bool }

// shapeOf reads id's characters; ok is false for an id no style allows (a
// leading digit, another character, a separator at an end or doubled).
func shapeOf(id string) (sh idShape, ok bool) {
	if id == "" || strings.HasPrefix(id, "_") || strings.HasSuffix(id, "_") || strings.Contains(id, "__") ||
		strings.HasPrefix(id, "-") || strings.HasSuffix(id, "-") || id[0] >= '0' && id[0] <= '9' {
		return sh, false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z':
			sh.lower = true
		case c >= 'A' && c <= 'Z':
			sh.upper = true
		case c >= '0' && c <= '9':
		case c == '_':
			sh.underscore = true
		case c == '-':
			sh.hyphen = true
		case c == '.':
			sh.dot = true
		default:
			return sh, false
		}
	}
	return sh, true
}

// styles is the set of styles an id of this shape fits; capital says its
// first letter is upper-case.
func (sh idShape) styles(capital bool) uint8 {
	bit := func(s caseStyle) uint8 { return 1 << s }
	switch {
	case sh.dot:
		if !sh.upper && !sh.hyphen {
			return bit(styleDotted)
		}
		return 0
	case sh.hyphen && sh.underscore:
		return 0
	case sh.upper && sh.lower:
		if sh.underscore || sh.hyphen {
			return 0
		}
		if capital {
			return bit(stylePascal)
		}
		return bit(styleCamel)
	case sh.upper:
		if sh.hyphen {
			return 0
		}
		if sh.underscore {
			return bit(styleUpperSnake)
		}
		return bit(styleUpperSnake) | bit(stylePascal)
	case sh.underscore:
		return bit(styleLowerSnake) | bit(styleDotted)
	case sh.hyphen:
		return bit(styleKebab)
	default:
		return bit(styleLowerSnake) | bit(styleKebab) | bit(styleCamel) | bit(styleDotted)
	}
}

// pick returns one style out of a set, preferring the most common ones.
func pick(set uint8) caseStyle {
	for _, s := range []caseStyle{styleLowerSnake, styleUpperSnake, styleKebab, styleCamel, stylePascal, styleDotted} {
		if set&(1<<s) != 0 {
			return s
		}
	}
	return styleUnknown
}

// convert rewrites a lower_snake id into style s.
func (s caseStyle) convert(id string) string {
	switch s {
	case styleUpperSnake:
		return strings.ToUpper(id)
	case styleKebab:
		return strings.ReplaceAll(id, "_", "-")
	case styleCamel, stylePascal:
		parts := strings.Split(id, "_")
		for i, p := range parts {
			if p == "" || (i == 0 && s == styleCamel) {
				continue
			}
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
		return strings.Join(parts, "")
	default:
		return id
	}
}
