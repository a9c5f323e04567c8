module github.com/apierr/apierr/adapters/huma

go 1.26.0

require (
	github.com/apierr/apierr v0.0.0
	github.com/danielgtaylor/huma/v2 v2.37.2
)

require (
	github.com/gabriel-vasile/mimetype v1.4.16 // indirect
	github.com/go-playground/locales v0.14.2 // indirect
	github.com/go-playground/universal-translator v0.18.2 // indirect
	github.com/go-playground/validator/v10 v10.30.6 // indirect
	github.com/leodido/go-urn v1.5.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

// The library is the module two folders up, never a published copy.
replace github.com/apierr/apierr => ../..
