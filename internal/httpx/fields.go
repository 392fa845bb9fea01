package httpx

import (
	"bytes"
	"net/http"
)

// FieldErrors collects validation messages per field, in the order fields
// were checked, and renders Django REST framework's error shape:
// {"field": ["message", ...], ...}.
type FieldErrors struct {
	names []string
	msgs  map[string][]string
}

// Add records a message for a field.
func (e *FieldErrors) Add(field, msg string) {
	if e.msgs == nil {
		e.msgs = map[string][]string{}
	}
	if _, ok := e.msgs[field]; !ok {
		e.names = append(e.names, field)
	}
	e.msgs[field] = append(e.msgs[field], msg)
}

// Has reports whether field has a message.
func (e *FieldErrors) Has(field string) bool { _, ok := e.msgs[field]; return ok }

// Empty reports whether no message was recorded.
func (e *FieldErrors) Empty() bool { return len(e.names) == 0 }

// Fields returns the fields with messages, in order.
func (e *FieldErrors) Fields() []string { return e.names }

// Messages returns the messages of one field.
func (e *FieldErrors) Messages(field string) []string { return e.msgs[field] }

// Error makes FieldErrors usable as an error in logs and the CLI.
func (e *FieldErrors) Error() string {
	var b bytes.Buffer
	for i, n := range e.names {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(n)
		b.WriteString(": ")
		for j, m := range e.msgs[n] {
			if j > 0 {
				b.WriteString(" ")
			}
			b.WriteString(m)
		}
	}
	return b.String()
}

// MarshalJSON keeps the field order.
func (e *FieldErrors) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, n := range e.names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(AppendJSONString(nil, n))
		b.WriteString(": [")
		for j, m := range e.msgs[n] {
			if j > 0 {
				b.WriteString(", ")
			}
			b.Write(AppendJSONString(nil, m))
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// WriteFieldErrors answers 400 with the errors.
func WriteFieldErrors(w http.ResponseWriter, e *FieldErrors) {
	JSON(w, http.StatusBadRequest, e)
}
