// Package bind decodes and validates JSON request bodies into catalog
// errors: a body that cannot be read is malformed_body with line, column
// and field; a value that breaks a rule is validation_failed listing every
// violation at once, named by JSON path and rule, so a catalog can bind a
// rule to its own code.
//
// The one-liner uses the default Binder (go-playground/validator with the
// rules "e164" and "uuid"):
//
//	var req SendFax
//	if err := bind.JSON(r, &req); err != nil {
//		return err // 400 with line and column, or 422 listing every bad field
//	}
//
// An API with rules of its own makes a Binder once, at start-up, and uses it
// from every handler; nothing is registered globally:
//
//	faxes, err := bind.New(bind.Config{Enums: map[string][]string{"fax_quality": {"standard", "fine"}}})
//	...
//	err = faxes.JSON(r, &req)
//
// The runtime (middleware.Stack) does not import this package, so a service
// that decodes its bodies otherwise does not link the validator.
package bind
