// Package adminapi serves the admin REST API under /api/v1/admin/: the
// login of staff users with bearer tokens of their own, and the resources
// of the admin service (users, radius groups and their items,
// memberships, NAS entries, batches, radius tokens, accounting sessions,
// the post-auth log). Handlers are thin: decode, call admin.Service, map
// its errors, write.
//
// The admin API never accepts the FreeRADIUS API token, and its tokens
// open nothing else.
package adminapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// Prefix is the path every admin route starts with.
const Prefix = "/api/v1/admin"

// DefaultTokenLifetime is how long an admin token lives when the
// configuration does not say.
const DefaultTokenLifetime = 12 * time.Hour

// maxBody bounds a JSON or form body; maxUpload a multipart batch upload.
const (
	maxBody   = 64 << 10
	maxUpload = 16 << 20
)

// AuthStore is what the login and the token checks need from the store.
type AuthStore interface {
	store.AdminTokenStore
	UserByUsername(ctx context.Context, username string) (store.User, error)
}

// Handler serves the admin API.
type Handler struct {
	Service *admin.Service
	Store   AuthStore
	// TokenLifetime of new admin tokens (DefaultTokenLifetime when 0).
	TokenLifetime time.Duration
	// Throttle limits failed logins (a default one when nil).
	Throttle *Throttle
	// Iterations of the dummy hash that unknown usernames are checked
	// against, so that they take as long as known ones.
	Iterations int
	// TimeZone reads dates and times sent without an offset.
	TimeZone *time.Location
	Now      func() time.Time
	Log      *slog.Logger

	once      sync.Once
	dummyHash func() string
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func (h *Handler) zone() *time.Location {
	if h.TimeZone != nil {
		return h.TimeZone
	}
	return time.UTC
}

func (h *Handler) lifetime() time.Duration {
	if h.TokenLifetime > 0 {
		return h.TokenLifetime
	}
	return DefaultTokenLifetime
}

func (h *Handler) init() {
	h.once.Do(func() {
		if h.Throttle == nil {
			h.Throttle = NewThrottle()
		}
		n := h.Iterations
		if n <= 0 {
			n = password.DefaultIterations
		}
		// Made at the first unknown username, not at start: a PBKDF2 of
		// 260,000 iterations took 45 of the server's 60 ms to ready.
		h.dummyHash = sync.OnceValue(func() string { return password.MakePBKDF2SHA256(newSecret(), n) })
	})
}

// Register adds the admin routes to mux, each with and without its
// trailing slash. Only the login is open; every other route needs an
// admin token.
func (h *Handler) Register(mux httpx.Router) {
	h.init()
	open := func(path string, m methods) { route(mux, Prefix+path, m) }
	authed := func(path string, m methods) { route(mux, Prefix+path, h.authenticate(m)) }

	open("/login", methods{http.MethodPost: h.login})
	authed("/logout", methods{http.MethodPost: h.logout})
	authed("/me", methods{http.MethodGet: h.me})
	authed("/tokens", methods{http.MethodGet: h.listAdminTokens})
	authed("/tokens/{id}", methods{http.MethodGet: h.getAdminToken, http.MethodDelete: h.revokeAdminToken})

	h.registerResources(authed)
}

// registerResources adds the routes of the admin service's resources.
func (h *Handler) registerResources(authed func(path string, m methods)) {
	h.registerUsers(authed)
	h.registerGroups(authed)
	h.registerItems(authed)
	h.registerMemberships(authed)
	h.registerNAS(authed)
	h.registerBatches(authed)
	h.registerRadiusTokens(authed)
	h.registerSessions(authed)
	h.registerPostAuth(authed)
}

// route registers path exactly and with a trailing slash.
func route(mux httpx.Router, path string, h http.Handler) {
	mux.Handle(path, h)
	mux.Handle(path+"/{$}", h)
}

// methods dispatches on the request method; others are 405. PUT is served
// by the PATCH handler (both change only the fields sent).
type methods map[string]http.HandlerFunc

var methodOrder = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (m methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f, ok := m[r.Method]; ok {
		f(w, r)
		return
	}
	switch r.Method {
	case http.MethodHead:
		if f, ok := m[http.MethodGet]; ok {
			f(w, r)
			return
		}
	case http.MethodPut:
		if f, ok := m[http.MethodPatch]; ok {
			f(w, r)
			return
		}
	}
	var allow []string
	for _, meth := range methodOrder {
		_, ok := m[meth]
		if !ok && meth == http.MethodPut {
			_, ok = m[http.MethodPatch]
		}
		if ok {
			allow = append(allow, meth)
		}
	}
	httpx.MethodNotAllowed(w, r, strings.Join(append(allow, "OPTIONS"), ", "))
}

// writeError maps an error of the admin service: a caller's mistake is 400
// with field errors, a missing thing 404 naming what, the default group's
// protection 409, anything else a logged 500.
func writeError(w http.ResponseWriter, r *http.Request, err error, what string) {
	if ie, ok := admin.IsInputError(err); ok {
		httpx.WriteFieldErrors(w, inputFieldErrors(ie))
		return
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		httpx.Detail(w, http.StatusNotFound, notFoundDetail(what))
	case errors.Is(err, store.ErrDefaultGroup):
		httpx.Detail(w, http.StatusConflict, capitalize(store.ErrDefaultGroup.Error())+".")
	case errors.Is(err, store.ErrAlreadyExists):
		httpx.Detail(w, http.StatusConflict, capitalize(err.Error())+".")
	case errors.Is(err, context.Canceled):
		// The client went away; nothing to answer.
	default:
		httpx.ServerError(w, r, err)
	}
}

func notFoundDetail(what string) string {
	if what == "" {
		return "Not found."
	}
	return capitalize(what) + " not found."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// inputFieldErrors renders the service's field -> messages in field
// order.
func inputFieldErrors(ie *admin.InputError) *httpx.FieldErrors {
	names := make([]string, 0, len(ie.Fields))
	for f := range ie.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	e := &httpx.FieldErrors{}
	for _, f := range names {
		for _, m := range ie.Fields[f] {
			e.Add(f, m)
		}
	}
	if e.Empty() {
		e.Add("non_field_errors", "Invalid input.")
	}
	return e
}

// fieldName is what an unknown field's name must look like to be named as
// a key of the error answer.
var fieldName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// decode reads a JSON object (or form) body for the fields writable. A
// read-only field or an unknown one is an error, so that a misspelt field
// is never silently ignored; these errors are answered together with the
// type errors the caller finds next. ok is false when an answer (a body
// that cannot be read) was written.
func (h *Handler) decode(w http.ResponseWriter, r *http.Request, multipart bool, writable []string, readOnly ...string) (*fields, bool) {
	limit := int64(maxBody)
	if multipart {
		limit = maxUpload
	}
	b, derr := httpx.DecodeBody(w, r, limit, multipart)
	if derr != nil {
		derr.Write(w)
		return nil, false
	}
	f := h.fields(b)
	if b.NotObject != "" {
		f.e.Add("non_field_errors", "Invalid data. Expected a dictionary, but got "+b.NotObject+".")
		httpx.WriteFieldErrors(w, f.e)
		return nil, false
	}
	keys := make([]string, 0, len(b.Fields)+len(b.Files))
	for k := range b.Fields {
		keys = append(keys, k)
	}
	for k := range b.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case slices.Contains(writable, k):
		case slices.Contains(readOnly, k):
			f.e.Add(k, msgReadOnly)
		case fieldName.MatchString(k):
			f.e.Add(k, fmt.Sprintf("Unknown field; the fields are: %s.", strings.Join(writable, ", ")))
		default:
			// Not a name to use as a key of the answer.
			f.e.Add("non_field_errors", fmt.Sprintf("Unknown field %q; the fields are: %s.", httpx.CleanText(k), strings.Join(writable, ", ")))
		}
	}
	return f, true
}

// done answers the errors found, if any; it reports whether there were
// none.
func (f *fields) done(w http.ResponseWriter) bool {
	if f.e.Empty() {
		return true
	}
	httpx.WriteFieldErrors(w, f.e)
	return false
}
