package apierr

import (
	"fmt"
	"maps"
)

// Alias returns a copy of c in which each of conds renders as the code id,
// which c must declare. `condition:` binds one condition per code, but an
// existing API often folds several into one code: seed 004's UNAUTHORIZED
// covers a missing, a malformed and an unknown key, and its BAD_REQUEST covers
// malformed JSON and failed validation alike. The fallback codes the aliases
// replace are dropped from Codes, so docs list only what the API can send.
//
// A condition already bound to another declared code is an error: an alias
// never silently changes what the catalog file says.
func (c *Catalog) Alias(id string, conds ...Condition) (*Catalog, error) {
	code := c.byID[id]
	if code == nil || code.Fallback {
		return nil, fmt.Errorf("apierr: alias: code %q is not declared in catalog %q", id, c.Name)
	}
	cp := *c
	cp.byCond = maps.Clone(c.byCond)
	cp.byID = maps.Clone(c.byID)
	dropped := map[*Code]bool{}
	for _, cond := range conds {
		if !cond.Valid() {
			return nil, fmt.Errorf("apierr: alias: unknown condition %q", cond)
		}
		old := cp.byCond[cond]
		if old == code {
			continue
		}
		if old != nil && !old.Fallback {
			return nil, fmt.Errorf("apierr: alias: condition %q is already bound to %q in catalog %q", cond, old.ID, c.Name)
		}
		if old != nil {
			dropped[old] = true
			delete(cp.byID, old.ID)
		}
		cp.byCond[cond] = code
	}
	cp.codes = make([]*Code, 0, len(c.codes))
	for _, k := range c.codes {
		if !dropped[k] {
			cp.codes = append(cp.codes, k)
		}
	}
	return &cp, nil
}

// MustAlias is Alias for catalogs set up at program start: it panics on error.
func (c *Catalog) MustAlias(id string, conds ...Condition) *Catalog {
	a, err := c.Alias(id, conds...)
	if err != nil {
		panic(err)
	}
	return a
}
