package adminapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

// Messages of the type checks. The admin service checks the content.
const (
	msgBool     = "Must be a valid boolean."
	msgList     = "Expected a list of strings."
	msgReadOnly = "This field is read-only."
	msgDateTime = "Enter a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDThh:mm[:ss][+HH:MM|Z])."
)

// fields reads typed values out of a decoded body, collecting the
// mistakes of type in e. Absent fields read as nil.
type fields struct {
	b    *httpx.Body
	e    *httpx.FieldErrors
	zone *time.Location
}

func (h *Handler) fields(b *httpx.Body) *fields {
	return &fields{b: b, e: &httpx.FieldErrors{}, zone: h.zone()}
}

// sent returns a field that came with a value; absent (nothing to do)
// and null (an error: the field cannot be cleared) are not ok.
func (f *fields) sent(name string) (httpx.Value, bool) {
	v := f.b.Get(name)
	switch v.Kind {
	case httpx.Absent:
		return v, false
	case httpx.Null:
		f.e.Add(name, httpx.MsgNotNull)
		return v, false
	}
	return v, true
}

// str reads a string as sent (the service trims nothing and says what
// is wrong with the content).
func (f *fields) str(name string) *string {
	v, ok := f.sent(name)
	if !ok {
		return nil
	}
	if v.Kind == httpx.Other {
		f.e.Add(name, httpx.MsgNotString)
		return nil
	}
	s := v.S
	return &s
}

// optStr reads a string that null (or "") clears: cleared is true then.
func (f *fields) optStr(name string) (s *string, cleared bool) {
	if f.b.Get(name).Kind == httpx.Null {
		empty := ""
		return &empty, true
	}
	s = f.str(name)
	return s, s != nil && *s == ""
}

func (f *fields) boolean(name string) *bool {
	v, ok := f.sent(name)
	if !ok {
		return nil
	}
	switch v.Kind {
	case httpx.Other:
		if b, ok := v.Any.(bool); ok {
			return &b
		}
		f.e.Add(name, msgBool)
		return nil
	}
	b, ok := parseBool(v.S)
	if !ok {
		f.e.Add(name, msgBool)
		return nil
	}
	return &b
}

// parseBool reads the booleans of forms and query strings.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

// integer reads a whole number within [min, max]; nil when absent. null
// is cleared when nullable (cleared true), else an error.
func (f *fields) integer(name string, min, max int64, nullable bool) (n *int64, cleared bool) {
	v := f.b.Get(name)
	if v.Kind == httpx.Null && nullable {
		return nil, true
	}
	x, st := httpx.Int(f.e, name, v, min, max)
	switch st {
	case httpx.Set:
		return &x, false
	case httpx.Nil:
		f.e.Add(name, httpx.MsgNotNull)
	case httpx.Blank:
		if nullable {
			return nil, true
		}
		f.e.Add(name, httpx.MsgInteger)
	}
	return nil, false
}

// instant reads a date-time, or a date meaning the end of that day in the
// server's zone (the day counts, as a batch's expiration date); null or ""
// clears it (cleared true).
func (f *fields) instant(name string) (t *time.Time, cleared bool) {
	v := f.b.Get(name)
	switch v.Kind {
	case httpx.Absent:
		return nil, false
	case httpx.Null:
		return nil, true
	case httpx.Other:
		f.e.Add(name, msgDateTime)
		return nil, false
	}
	s := strings.TrimSpace(v.S)
	if s == "" {
		return nil, true
	}
	x, ok := parseInstant(s, f.zone)
	if !ok {
		f.e.Add(name, msgDateTime)
		return nil, false
	}
	return &x, false
}

// parseInstant reads a date-time, or a bare date as the end of that day
// (midnight of the next one) in zone.
func parseInstant(s string, zone *time.Location) (time.Time, bool) {
	if d, err := time.ParseInLocation(time.DateOnly, s, zone); err == nil {
		return d.AddDate(0, 0, 1), true
	}
	return httpx.ParseDateTime(s, zone, false)
}

// date reads a calendar date (YYYY-MM-DD), nil when absent, null or "".
func (f *fields) date(name string) *time.Time {
	v := f.b.Get(name)
	switch v.Kind {
	case httpx.Absent, httpx.Null:
		return nil
	case httpx.Other:
		f.e.Add(name, httpx.MsgDate)
		return nil
	}
	if strings.TrimSpace(v.S) == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(v.S))
	if err != nil {
		f.e.Add(name, httpx.MsgDate)
		return nil
	}
	return &d
}

// list reads a list of strings: a JSON array, or a comma-separated
// string (forms); "" is the empty list. nil when absent.
func (f *fields) list(name string) []string {
	v, ok := f.sent(name)
	if !ok {
		return nil
	}
	switch v.Kind {
	case httpx.String:
		out := []string{}
		for _, p := range strings.Split(v.S, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	arr, ok := v.Any.([]any)
	if !ok {
		f.e.Add(name, msgList)
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		s, ok := x.(string)
		if !ok {
			f.e.Add(name, msgList)
			return nil
		}
		out = append(out, s)
	}
	return out
}

// objects reads a list of JSON objects, each as a Body of its own.
func (f *fields) objects(name string) []*httpx.Body {
	v, ok := f.sent(name)
	if !ok {
		return nil
	}
	switch v.Kind {
	case httpx.String:
		f.e.Add(name, "Expected a list of objects (send JSON).")
		return nil
	}
	arr, ok := v.Any.([]any)
	if !ok {
		f.e.Add(name, "Expected a list of objects.")
		return nil
	}
	out := make([]*httpx.Body, 0, len(arr))
	for i, x := range arr {
		obj, ok := x.(map[string]any)
		if !ok {
			f.e.Add(name, fmt.Sprintf("Item %d: expected an object.", i+1))
			return nil
		}
		b := &httpx.Body{Fields: make(map[string]httpx.Value, len(obj))}
		for k, val := range obj {
			b.Fields[k] = jsonValue(val)
		}
		out = append(out, b)
	}
	return out
}

// jsonValue turns a nested JSON value into a body Value as DecodeBody
// would (numbers keep their text).
func jsonValue(x any) httpx.Value {
	switch t := x.(type) {
	case string:
		return httpx.Value{Kind: httpx.String, S: t}
	case fmt.Stringer: // json.Number
		return httpx.Value{Kind: httpx.String, S: t.String()}
	case nil:
		return httpx.Value{Kind: httpx.Null}
	case bool:
		return httpx.Value{Kind: httpx.Other, S: strconv.FormatBool(t), Any: t}
	}
	return httpx.Value{Kind: httpx.Other, Any: x}
}

// query reads list filters from a query string, collecting mistakes.
type query struct {
	q    url.Values
	e    *httpx.FieldErrors
	zone *time.Location
}

func (h *Handler) query(r interface{ Query() url.Values }) *query {
	return &query{q: r.Query(), e: &httpx.FieldErrors{}, zone: h.zone()}
}

// text is a filter's text (its last value), "" when not given.
func (q *query) text(name string) string {
	vs := q.q[name]
	if len(vs) == 0 {
		return ""
	}
	s := vs[len(vs)-1]
	if !store.Storable(s) {
		q.e.Add(name, httpx.MsgNotUTF8+" "+httpx.MsgNullCharacters)
		return ""
	}
	return s
}

// boolean is a true/false filter, nil when not given.
func (q *query) boolean(name string) *bool {
	s := q.text(name)
	if s == "" {
		return nil
	}
	b, ok := parseBool(s)
	if !ok {
		q.e.Add(name, msgBool)
		return nil
	}
	return &b
}

// instant is a date or date-time filter; a bare date is its midnight
// (start of the day) in the server's zone.
func (q *query) instant(name string) *time.Time {
	s := strings.TrimSpace(q.text(name))
	if s == "" {
		return nil
	}
	t, ok := httpx.ParseDateTime(s, q.zone, true)
	if !ok {
		q.e.Add(name, msgDateTime)
		return nil
	}
	return &t
}

// integer is a whole-number parameter of at least min, def when absent.
func (q *query) integer(name string, def, min int) int {
	s := strings.TrimSpace(q.text(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.e.Add(name, httpx.MsgInteger)
		return def
	}
	if n < min {
		q.e.Add(name, httpx.MsgMin(int64(min)))
		return def
	}
	return n
}
