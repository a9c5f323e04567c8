// Package docgen turns an apierr catalog into what people and programs read
// about its errors: a reference page (self-contained HTML or Markdown) with
// one section per code, per-code permalink pages at the catalog's docs path,
// an llms.txt index, OpenAPI 3.1 components, typed Go constructors, and a
// dependency-free TypeScript client (TypeScript: the codes as a union with
// their context typed, decode, and a fetch that retries only what is safe).
//
// Mount the docs on the API itself, so the docs URL in every error body
// resolves where the error was served:
//
//	cat := apierr.MustLoad(catalogYAML, "errors.yaml")
//	mux := http.NewServeMux()
//	docs := docgen.Handler(cat)
//	mux.Handle(docgen.BasePath(cat), docs) // "/docs/errors/": the path of docs_url
//	mux.Handle("/llms.txt", docs)
//
// The same pages are written to disk by `apierr docs FILE -o DIR`, laid out
// as the handler serves them (see Files).
//
// A catalog with translations (errors.de.yaml beside errors.yaml) has its
// docs in every language it speaks: each page again under the docs path's
// language directory (/docs/errors/de/insufficient-balance), with
// <html lang>, hreflang alternates and a language switcher, and the wording
// docgen adds in German or French where the catalog is. The handler answers
// the docs URLs in error bodies in the reader's Accept-Language, as the API
// answers its errors. A catalog with one language gets exactly the pages it
// got before translations existed.
package docgen
