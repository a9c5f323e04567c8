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
	if id == "" {
		return 0
	}
	hasLower, hasUpper, hasUnderscore, hasHyphen, hasDot, bad := false, false, false, false, false, false
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z':
			hasLower = true
		case c >= 'A' && c <= 'Z':
			hasUpper = true
		case c >= '0' && c <= '9':
			if i == 0 {
				bad = true
			}
		case c == '_':
			hasUnderscore = true
		case c == '-':
			hasHyphen = true
		case c == '.':
			hasDot = true
		default:
			bad = true
		}
	}
	if bad || strings.HasPrefix(id, "_") || strings.HasSuffix(id, "_") || strings.Contains(id, "__") ||
		strings.HasPrefix(id, "-") || strings.HasSuffix(id, "-") {
		return 0
	}
	bit := func(s caseStyle) uint8 { return 1 << s }
	switch {
	case hasDot:
		if !hasUpper && !hasHyphen {
			return bit(styleDotted)
		}
		return 0
	case hasHyphen && hasUnderscore:
		return 0
	case hasUpper && hasLower:
		if hasUnderscore || hasHyphen {
			return 0
		}
		if id[0] >= 'A' && id[0] <= 'Z' {
			return bit(stylePascal)
		}
		return bit(styleCamel)
	case hasUpper:
		if hasHyphen {
			return 0
		}
		if hasUnderscore {
			return bit(styleUpperSnake)
		}
		return bit(styleUpperSnake) | bit(stylePascal)
	case hasUnderscore:
		return bit(styleLowerSnake) | bit(styleDotted)
	case hasHyphen:
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
