package fax

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
	"github.com/apierr/apierr/middleware"
)

// faxRequest is the JSON form of POST /fax: the document travels base64-encoded.
type faxRequest struct {
	To   string `json:"to" validate:"required,e164"`
	File string `json:"file" validate:"required"`
}

// Field messages, in the wording of seed 000's example body.
const (
	msgToRequired   = "The to field is required."
	msgToE164       = "The to field must be a phone number in E.164 format, such as +14155550123."
	msgFileRequired = "The file field is required."
	msgFileBase64   = "The file must be base64-encoded."
	msgFileType     = "The file must be a PDF, TIFF, or JPEG."
)

func (s *Server) msgFileSize() string {
	mb := s.cfg.MaxFileSize >> 20
	if mb<<20 == s.cfg.MaxFileSize {
		return "The file may not be greater than " + strconv.FormatInt(mb, 10) + " MB."
	}
	return "The file may not be greater than " + strconv.FormatInt(s.cfg.MaxFileSize, 10) + " bytes."
}

// fieldMessage rewords a validation rule in the API's voice.
func fieldMessage(field, rule string) string {
	switch {
	case field == "to" && rule == "required":
		return msgToRequired
	case field == "to":
		return msgToE164
	case field == "file" && rule == "required":
		return msgFileRequired
	}
	return "The " + field + " field is invalid."
}

// maxJSONBody is the largest JSON body POST /fax reads: base64 makes it a
// third bigger than the file, plus room for the number.
func (s *Server) maxJSONBody() int64 { return (s.cfg.MaxFileSize+2)/3*4 + 64<<10 }

// readSubmission reads POST /fax as JSON or multipart/form-data and checks
// everything at once: every invalid field is reported in one
// validation_failed, whose message is the first field's.
func (s *Server) readSubmission(w http.ResponseWriter, r *http.Request) (submission, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var (
		sub      submission
		fields   []apierr.FieldError
		hasFile  bool
		tooLarge bool
		req      faxRequest
	)
	switch mt {
	case "application/json":
		r.Body = http.MaxBytesReader(w, r.Body, s.maxJSONBody())
		err := middleware.Bind(r, &req, middleware.BindMaxBytes(s.maxJSONBody()))
		if tooLarge, err = s.fieldErrors(err, &fields); err != nil {
			return sub, err
		}
		sub.to = req.To
		if req.File != "" && !tooLarge {
			doc, err := base64.StdEncoding.DecodeString(req.File)
			if err != nil {
				fields = append(fields, apierr.FieldError{Field: "file", Rule: "base64", Message: msgFileBase64})
			} else {
				sub.doc, hasFile = doc, true
			}
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
		if gotFile || large {
			req.File = "present"
		}
		if _, err := s.fieldErrors(middleware.Validate(&req), &fields); err != nil {
			return sub, err
		}
	default:
		return sub, apierr.Cond(apierr.CondUnsupportedMediaType).
			With("supported", []string{"application/json", "multipart/form-data"})
	}
	switch {
	case tooLarge || int64(len(sub.doc)) > s.cfg.MaxFileSize:
		fields = append(fields, apierr.FieldError{Field: "file", Rule: "max_size", Message: s.msgFileSize()})
	case hasFile:
		if sub.mediaType = sniff(sub.doc); sub.mediaType == "" {
			fields = append(fields, apierr.FieldError{Field: "file", Rule: "file_type", Message: msgFileType})
		}
	}
	if len(fields) > 0 {
		e := apierr.Cond(apierr.CondValidationFailed).WithMessage(fields[0].Message)
		e.Fields = fields
		return sub, e
	}
	return sub, nil
}

// fieldErrors sorts the error of middleware.Bind or middleware.Validate:
// field violations are appended to fields in the API's wording, a body over
// the limit reports tooLarge (the file is what makes a body big), anything
// else (a malformed body) is returned.
func (s *Server) fieldErrors(err error, fields *[]apierr.FieldError) (tooLarge bool, _ error) {
	var e *apierr.Error
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &e) && e.Condition == apierr.CondValidationFailed:
		for _, f := range e.Fields {
			if f.Field == "to" || f.Field == "file" {
				f.Message = fieldMessage(f.Field, f.Rule)
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
