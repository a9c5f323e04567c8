package fax

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/bind"
)

// faxRequest is the JSON form of POST /fax: the document travels base64-encoded.
// File is checked by readSubmission (required, base64, size, type), so
// every file error reads the same in JSON and multipart.
type faxRequest struct {
	To   string    `json:"to" validate:"required,e164"`
	File *document `json:"file" validate:"-"`
}

// document is the file of a JSON submission, decoded from base64 straight
// out of the request bytes: a 13 MB body costs its 10 MB document, not a
// 13 MB string on top. Being an encoding.TextUnmarshaler, a value of
// another JSON type is refused by encoding/json itself, with its offset
// (so Bind names the line and column) and "expected string"; null leaves
// it nil.
type document struct {
	data    []byte
	invalid bool // not base64
}

// UnmarshalText decodes the base64 text of the file member.
func (d *document) UnmarshalText(text []byte) error {
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(buf, text)
	if err != nil {
		d.data, d.invalid = nil, true
		return nil // a field error, reported with the others
	}
	d.data, d.invalid = buf[:n], false
	return nil
}

// present reports whether the request carried a non-empty file.
func (d *document) present() bool { return d != nil && (d.invalid || len(d.data) > 0) }

// Field messages, in the wording of seed 000's example body: the English
// of errors.yaml's field_messages, which word them in the client's language
// (fieldText), kept for a catalog that words none.
const (
	msgToRequired   = "The to field is required."
	msgToE164       = "The to field must be a phone number in E.164 format, such as +14155550123."
	msgFileRequired = "The file field is required."
	msgFileBase64   = "The file must be base64-encoded."
	msgFileType     = "The file must be a PDF, TIFF, or JPEG."
)

// fieldText words a field error in the language of lc (the request's
// catalog, apierr.CatalogFor) from its field_messages, or as fallback when
// the catalog words none.
func fieldText(lc *apierr.Catalog, field, rule, fallback string, args ...string) apierr.FieldError {
	if msg, ok := lc.FieldMessage(field, rule, args...); ok {
		return apierr.FieldError{Field: field, Rule: rule, Message: msg}
	}
	return apierr.FieldError{Field: field, Rule: rule, Message: fallback}
}

// fileTooLarge is the field error of a file over the limit.
func (s *Server) fileTooLarge(lc *apierr.Catalog) apierr.FieldError {
	mb := s.cfg.MaxFileSize >> 20
	if mb<<20 == s.cfg.MaxFileSize {
		n := strconv.FormatInt(mb, 10)
		return fieldText(lc, "file", "max_size", "The file may not be greater than "+n+" MB.", "mb", n)
	}
	n := strconv.FormatInt(s.cfg.MaxFileSize, 10)
	f := fieldText(lc, "file", "max_size_bytes", "The file may not be greater than "+n+" bytes.", "bytes", n)
	f.Rule = "max_size"
	return f
}

// fieldMessage rewords a validation rule of the to field in the API's voice.
func fieldMessage(lc *apierr.Catalog, field, rule string) apierr.FieldError {
	switch {
	case field == "to" && rule == "required":
		return fieldText(lc, "to", "required", msgToRequired)
	case field == "to":
		f := fieldText(lc, "to", "e164", msgToE164)
		f.Rule = rule
		return f
	case field == "file" && rule == "required":
		return fieldText(lc, "file", "required", msgFileRequired)
	}
	return apierr.FieldError{Field: field, Rule: rule, Message: "The " + field + " field is invalid."}
}

// maxJSONBody is the largest JSON body POST /fax reads: base64 makes it a
// third bigger than the file, plus room for the number.
func (s *Server) maxJSONBody() int64 { return (s.cfg.MaxFileSize+2)/3*4 + 64<<10 }

// readSubmission reads POST /fax as JSON or multipart/form-data and checks
// everything at once: every invalid field is reported in one
// validation_failed, whose message is the first field's.
func (s *Server) readSubmission(w http.ResponseWriter, r *http.Request) (submission, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	lc := apierr.CatalogFor(r) // the catalog in the client's language
	var (
		sub      submission
		fields   []apierr.FieldError
		hasFile  bool
		tooLarge bool
		req      faxRequest
	)
	switch mt {
	case "application/json":
		// bind.JSON bounds the body (bind.MaxBytes), and decodes in place a body
		// the idempotency middleware already holds: no MaxBytesReader
		// around it, which would hide it and cost a second copy.
		err := bind.JSON(r, &req, bind.MaxBytes(s.maxJSONBody()))
		if tooLarge, err = s.fieldErrors(lc, err, &fields); err != nil {
			return sub, err
		}
		sub.to = req.To
		switch {
		case tooLarge:
		case !req.File.present():
			fields = append(fields, fieldText(lc, "file", "required", msgFileRequired))
		case req.File.invalid:
			fields = append(fields, fieldText(lc, "file", "base64", msgFileBase64))
		default:
			sub.doc, hasFile = req.File.data, true
		}
	case "multipart/form-data":
		if r.ContentLength > s.maxMultipartBody() {
			// Refused before a byte of the body is read (a client that sent
			// Expect: 100-continue never uploads it).
			tooLarge = true
			break
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.maxMultipartBody())
		to, doc, gotFile, large, err := s.readMultipart(r)
		if err != nil {
			return sub, err
		}
		sub.to, sub.doc, hasFile, tooLarge = to, doc, gotFile, large
		// The form is checked by the same rules as the JSON body.
		req.To = to
		if _, err := s.fieldErrors(lc, bind.ValidateFor(r, &req), &fields); err != nil {
			return sub, err
		}
		if !gotFile && !large {
			fields = append(fields, fieldText(lc, "file", "required", msgFileRequired))
		}
	default:
		return sub, apierr.Cond(apierr.CondUnsupportedMediaType).
			With("supported", []string{"application/json", "multipart/form-data"})
	}
	switch {
	case tooLarge || int64(len(sub.doc)) > s.cfg.MaxFileSize:
		fields = append(fields, s.fileTooLarge(lc))
	case hasFile:
		if sub.mediaType = sniff(sub.doc); sub.mediaType == "" {
			fields = append(fields, fieldText(lc, "file", "file_type", msgFileType))
		}
	}
	if len(fields) > 0 {
		return sub, validationFailed(fields)
	}
	return sub, nil
}

// validationFailed is validation_failed listing fields, whose message is
// the first field's.
func validationFailed(fields []apierr.FieldError) *apierr.Error {
	e := apierr.Cond(apierr.CondValidationFailed).WithMessage(fields[0].Message)
	e.Fields = fields
	return e
}

// bodyTooLarge is the answer to a POST /fax body too large to read, the
// same whether the handler or the idempotency middleware (which reads a
// keyed request's body first, to fingerprint it) finds it so: the file is
// what makes a body big.
func (s *Server) bodyTooLarge(r *http.Request, _ int64) error {
	return validationFailed([]apierr.FieldError{s.fileTooLarge(apierr.CatalogFor(r))})
}

// fieldErrors sorts the error of bind.JSON or bind.Validate:
// field violations are appended to fields in the API's wording, a body over
// the limit reports tooLarge (the file is what makes a body big), anything
// else (a malformed body) is returned.
func (s *Server) fieldErrors(lc *apierr.Catalog, err error, fields *[]apierr.FieldError) (tooLarge bool, _ error) {
	var e *apierr.Error
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &e) && e.Condition == apierr.CondValidationFailed:
		for _, f := range e.Fields {
			if f.Field == "to" || f.Field == "file" {
				f = fieldMessage(lc, f.Field, f.Rule)
			}
			*fields = append(*fields, f)
		}
		return false, nil
	case errors.As(err, &e) && e.Condition == apierr.CondPayloadTooLarge:
		return true, nil
	}
	return false, err
}

// maxMultipartBody is the largest multipart body POST /fax reads.
func (s *Server) maxMultipartBody() int64 { return s.cfg.MaxFileSize + 64<<10 }

// readMultipart streams the form: no temporary files, the document read at
// most once and never beyond the size limit.
func (s *Server) readMultipart(r *http.Request) (to string, doc []byte, gotFile, tooLarge bool, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, false, false, apierr.Cond(apierr.CondMalformedBody).WithCause(err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return to, doc, gotFile, tooLarge, nil
		}
		if err != nil {
			return multipartFailure(to, err)
		}
		switch part.FormName() {
		case "to":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return multipartFailure(to, err)
			}
			to = string(b)
		case "file":
			b, err := io.ReadAll(io.LimitReader(part, s.cfg.MaxFileSize+1))
			if err != nil {
				return multipartFailure(to, err)
			}
			if int64(len(b)) > s.cfg.MaxFileSize {
				tooLarge = true
				continue
			}
			doc, gotFile = b, len(b) > 0
		}
	}
}

// multipartFailure: a body over the limit is a file too large, anything
// else a malformed body.
func multipartFailure(to string, err error) (string, []byte, bool, bool, error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return to, nil, false, true, nil
	}
	return "", nil, false, false, apierr.Cond(apierr.CondMalformedBody).WithCause(err)
}
