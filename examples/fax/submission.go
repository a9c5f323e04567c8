package fax

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/apierr/apierr"
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
	)
	switch mt {
	case "application/json":
		r.Body = http.MaxBytesReader(w, r.Body, s.maxJSONBody())
		var req faxRequest
		err := bind(r, &req)
		var e *apierr.Error
		switch {
		case err == nil:
		case errors.As(err, &e) && e.Condition == apierr.CondValidationFailed:
			for _, f := range e.Fields {
				if f.Field == "to" || f.Field == "file" {
					fields = append(fields, apierr.FieldError{Field: f.Field, Rule: f.Rule, Message: fieldMessage(f.Field, f.Rule)})
				} else {
					fields = append(fields, f)
				}
			}
		case errors.As(err, &e) && e.Condition == apierr.CondPayloadTooLarge:
			tooLarge = true
		default:
			var mbe *http.MaxBytesError
			if !errors.As(err, &mbe) {
				return sub, err
			}
			tooLarge = true
		}
		sub.to = req.To
		if req.File != "" && !tooLarge {
			hasFile = true
			doc, err := base64.StdEncoding.DecodeString(req.File)
			if err != nil {
				fields = append(fields, apierr.FieldError{Field: "file", Rule: "base64", Message: msgFileBase64})
				hasFile = false
			}
			sub.doc = doc
		}
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxFileSize+64<<10)
		to, doc, gotTo, gotFile, large, err := s.readMultipart(r)
		if err != nil {
			return sub, err
		}
		sub.to, sub.doc, hasFile, tooLarge = to, doc, gotFile, large
		switch {
		case !gotTo || to == "":
			fields = append(fields, apierr.FieldError{Field: "to", Rule: "required", Message: msgToRequired})
		case !validE164(to):
			fields = append(fields, apierr.FieldError{Field: "to", Rule: "e164", Message: msgToE164})
		}
		if !gotFile && !large {
			fields = append(fields, apierr.FieldError{Field: "file", Rule: "required", Message: msgFileRequired})
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

// readMultipart streams the form: no temporary files, the document read at
// most once and never beyond the size limit.
func (s *Server) readMultipart(r *http.Request) (to string, doc []byte, gotTo, gotFile, tooLarge bool, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, false, false, false, apierr.Cond(apierr.CondMalformedBody).WithCause(err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return to, doc, gotTo, gotFile, tooLarge, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return to, nil, gotTo, false, true, nil
			}
			return "", nil, false, false, false, apierr.Cond(apierr.CondMalformedBody).WithCause(err)
		}
		switch part.FormName() {
		case "to":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return s.multipartFailure(to, gotTo, err)
			}
			to, gotTo = string(b), true
		case "file":
			b, err := io.ReadAll(io.LimitReader(part, s.cfg.MaxFileSize+1))
			if err != nil {
				return s.multipartFailure(to, gotTo, err)
			}
			if int64(len(b)) > s.cfg.MaxFileSize {
				tooLarge = true
				continue
			}
			doc, gotFile = b, len(b) > 0
		}
	}
}

func (s *Server) multipartFailure(to string, gotTo bool, err error) (string, []byte, bool, bool, bool, error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return to, nil, gotTo, false, true, nil
	}
	return "", nil, false, false, false, apierr.Cond(apierr.CondMalformedBody).WithCause(err)
}

// validE164 reports whether n is an E.164 number: +, a non-zero digit, at
// most 15 digits in all.
func validE164(n string) bool {
	if len(n) < 3 || len(n) > 16 || n[0] != '+' || n[1] < '1' || n[1] > '9' {
		return false
	}
	for i := 2; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}
