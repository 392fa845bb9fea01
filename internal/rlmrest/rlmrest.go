// Package rlmrest serves the endpoints FreeRADIUS's rest module calls
// (authorize, post-auth, accounting), in django-freeradius's wire format:
// status codes, empty bodies without Content-Type, and DRF-style errors.
package rlmrest

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

// maxBody bounds request bodies; rlm_rest never sends more than 8 KiB.
const maxBody = 1 << 20

// Handler serves the FreeRADIUS endpoints.
type Handler struct {
	AAA   *aaa.Service
	Store store.Store
	// AuthorizeReject answers failed authorizes 401 instead of 200 empty.
	AuthorizeReject bool
	// TimeZone renders and reads times without an offset.
	TimeZone *time.Location
	Log      *slog.Logger
}

// Register adds the endpoints to mux behind guard (the API token check),
// each with and without its trailing slash: FreeRADIUS does not follow
// redirects.
func (h *Handler) Register(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	Route(mux, "/api/v1/authorize", guard(Methods{http.MethodPost: h.authorize}))
	Route(mux, "/api/v1/postauth", guard(Methods{http.MethodPost: h.postAuth}))
	Route(mux, "/api/v1/accounting", guard(Methods{http.MethodGet: h.listAccounting, http.MethodPost: h.accounting}))
}

// Route registers path exactly, with and without a trailing slash.
func Route(mux *http.ServeMux, path string, h http.Handler) {
	mux.Handle(path, h)
	mux.Handle(path+"/{$}", h)
}

// Methods dispatches on the request method and answers others 405, after
// the token check as django-freeradius did.
type Methods map[string]http.HandlerFunc

func (m Methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := m[r.Method]; ok {
		h(w, r)
		return
	}
	if r.Method == http.MethodHead {
		if h, ok := m[http.MethodGet]; ok {
			h(w, r)
			return
		}
	}
	allow := ""
	for _, meth := range []string{http.MethodGet, http.MethodPost} {
		if _, ok := m[meth]; ok {
			allow += meth + ", "
		}
	}
	httpx.MethodNotAllowed(w, r, allow+"OPTIONS")
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// decode reads the body or answers the decoding error; ok is false when an
// answer was written.
func decode(w http.ResponseWriter, r *http.Request) (*httpx.Body, bool) {
	b, derr := httpx.DecodeBody(w, r, maxBody, false)
	if derr != nil {
		derr.Write(w)
		return nil, false
	}
	if b.NotObject != "" {
		e := &httpx.FieldErrors{}
		e.Add("non_field_errors", "Invalid data. Expected a dictionary, but got "+b.NotObject+".")
		httpx.WriteFieldErrors(w, e)
		return nil, false
	}
	return b, true
}
