package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind tells what a decoded body value was.
type Kind uint8

// Value kinds.
const (
	Absent Kind = iota // the key was not sent
	String             // a JSON string or number, or a form value
	Null               // JSON null
	Other              // a JSON boolean, object or array
)

// Value is one field of a request body. JSON numbers keep their text, so
// "261" and 261 read the same, as FreeRADIUS sends every value as a string.
type Value struct {
	Kind Kind
	S    string
	// Any is a JSON object, array or boolean as decoded (Kind Other).
	Any any
}

// File is an uploaded file of a multipart body.
type File struct {
	Name string
	Data []byte
}

// Body is a decoded request body: JSON object, form or multipart form.
type Body struct {
	Fields map[string]Value
	Files  map[string]File
	// NotObject is set when a JSON body parsed but is not an object.
	NotObject string
}

// Get returns a field (Absent if not sent).
func (b *Body) Get(name string) Value {
	if b == nil {
		return Value{}
	}
	return b.Fields[name]
}

// DecodeError is a body the server refuses: its Status and Detail are what
// to answer.
type DecodeError struct {
	Status int
	Detail string
}

func (e *DecodeError) Error() string { return e.Detail }

// Write answers the error in Django REST framework's shape.
func (e *DecodeError) Write(w http.ResponseWriter) { Detail(w, e.Status, e.Detail) }

// DecodeBody reads a JSON, form-encoded or (when allowMultipart) multipart
// body of at most maxBytes, as Django REST framework's parsers would accept.
func DecodeBody(w http.ResponseWriter, r *http.Request, maxBytes int64, allowMultipart bool) (*Body, *DecodeError) {
	ct := r.Header.Get("Content-Type")
	mediaType, params, _ := mime.ParseMediaType(ct)
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		// No body: nothing to parse, whatever the Content-Type.
		return &Body{Fields: map[string]Value{}}, nil
	}
	body := http.MaxBytesReader(w, r.Body, maxBytes)
	switch {
	case mediaType == "application/json":
		data, err := readBody(body, r.ContentLength, maxBytes)
		if err != nil {
			return nil, readError(err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return &Body{Fields: map[string]Value{}}, nil
		}
		return decodeJSON(data)
	case mediaType == "application/x-www-form-urlencoded":
		data, err := readBody(body, r.ContentLength, maxBytes)
		if err != nil {
			return nil, readError(err)
		}
		vals, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, &DecodeError{http.StatusBadRequest, "Form parse error - " + err.Error()}
		}
		return formBody(vals), nil
	case mediaType == "multipart/form-data" && allowMultipart:
		return decodeMultipart(body, params["boundary"])
	}
	if mediaType == "" {
		mediaType = strings.TrimSpace(strings.Split(ct, ";")[0])
	}
	return nil, &DecodeError{http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", mediaType)}
}

// readBody reads a whole body: in one buffer of its size when the request
// declares an acceptable Content-Length (io.ReadAll grew one from 512
// bytes, copying, for every accounting packet), else as it comes. A body
// shorter than declared fails as with io.ReadAll.
func readBody(body io.Reader, length, maxBytes int64) ([]byte, error) {
	if length <= 0 || length > maxBytes {
		return io.ReadAll(body)
	}
	data := make([]byte, length)
	n, err := io.ReadFull(body, data)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return data[:n], err
}

func readError(err error) *DecodeError {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &DecodeError{http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body too large: at most %d bytes are accepted.", mbe.Limit)}
	}
	return &DecodeError{http.StatusBadRequest, "Could not read the request body: " + err.Error()}
}

func decodeJSON(data []byte) (*Body, *DecodeError) {
	if !utf8.Valid(data) {
		return nil, &DecodeError{http.StatusBadRequest, "JSON parse error - the body is not valid UTF-8"}
	}
	if b, ok := decodeFlatJSON(data); ok {
		return b, nil
	}
	return decodeAnyJSON(data)
}

// decodeAnyJSON decodes any JSON body with encoding/json.
func decodeAnyJSON(data []byte) (*Body, *DecodeError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &DecodeError{http.StatusBadRequest, "JSON parse error - " + jsonErrorText(err)}
	}
	if dec.More() {
		return nil, &DecodeError{http.StatusBadRequest, "JSON parse error - extra data after the JSON value"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return &Body{Fields: map[string]Value{}, NotObject: jsonTypeName(v)}, nil
	}
	b := &Body{Fields: make(map[string]Value, len(obj))}
	for k, x := range obj {
		switch t := x.(type) {
		case string:
			b.Fields[k] = Value{Kind: String, S: t}
		case json.Number:
			b.Fields[k] = Value{Kind: String, S: t.String()}
		case nil:
			b.Fields[k] = Value{Kind: Null}
		case bool:
			b.Fields[k] = Value{Other, strconv.FormatBool(t), t}
		default:
			b.Fields[k] = Value{Kind: Other, Any: t}
		}
	}
	return b, nil
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of JSON input"
	}
	return err.Error()
}

// jsonTypeName names a JSON value's type as Django REST framework does in
// "Expected a dictionary, but got X."
func jsonTypeName(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "NoneType"
	}
	return "value"
}

// formBody keeps the last value of a repeated key, as Django's QueryDict does.
func formBody(vals url.Values) *Body {
	b := &Body{Fields: make(map[string]Value, len(vals))}
	for k, vs := range vals {
		if len(vs) > 0 {
			b.Fields[k] = Value{Kind: String, S: vs[len(vs)-1]}
		}
	}
	return b
}

func decodeMultipart(body io.Reader, boundary string) (*Body, *DecodeError) {
	if boundary == "" {
		return nil, &DecodeError{http.StatusBadRequest, "Multipart form parse error - Invalid boundary in multipart: None"}
	}
	mr := multipart.NewReader(body, boundary)
	b := &Body{Fields: map[string]Value{}, Files: map[string]File{}}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			if de := readError(err); de.Status == http.StatusRequestEntityTooLarge {
				return nil, de
			}
			return nil, &DecodeError{http.StatusBadRequest, "Multipart form parse error - " + err.Error()}
		}
		data, err := io.ReadAll(p)
		if err != nil {
			if de := readError(err); de.Status == http.StatusRequestEntityTooLarge {
				return nil, de
			}
			return nil, &DecodeError{http.StatusBadRequest, "Multipart form parse error - " + err.Error()}
		}
		name := p.FormName()
		if name == "" {
			continue
		}
		if p.FileName() != "" {
			b.Files[name] = File{Name: p.FileName(), Data: data}
			continue
		}
		b.Fields[name] = Value{Kind: String, S: string(data)}
	}
}
