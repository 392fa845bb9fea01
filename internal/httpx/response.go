// Package httpx holds goradius's HTTP plumbing: response helpers that keep
// the wire format exact, request decoding, and middleware.
package httpx

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
)

// JSON writes v with Content-Type application/json and a Content-Length.
func JSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types are encoded here; failing is a programming error.
		slog.Error("encoding a JSON response", "error", err)
		Empty(w, http.StatusInternalServerError)
		return
	}
	WriteJSON(w, status, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// WriteJSON answers body, a JSON document already encoded.
func WriteJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Empty writes a zero-byte body with no Content-Type: what FreeRADIUS's
// rlm_rest takes as "nothing to decode". A literal null would fail the
// module.
func Empty(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Del("Content-Type")
	h.Set("Content-Length", "0")
	w.WriteHeader(status)
}

// Detail writes {"detail": msg}, the shape of Django REST framework's
// non-field errors.
func Detail(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, detail{msg})
}

type detail struct {
	Detail string `json:"detail"`
}

// ServerError logs err once with the request and answers 500 with a JSON
// detail. It is only for failures of the server or the database, never for
// bad input.
func ServerError(w http.ResponseWriter, r *http.Request, err error) {
	slog.Default().ErrorContext(r.Context(), "request failed",
		"error", err, "method", r.Method, "path", r.URL.Path, "request_id", RequestID(r.Context()))
	Detail(w, http.StatusInternalServerError, "A server error occurred.")
}

// MethodNotAllowed answers 405 as Django REST framework does.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	Detail(w, http.StatusMethodNotAllowed, `Method "`+r.Method+`" not allowed.`)
}
