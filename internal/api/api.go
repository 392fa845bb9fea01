// Package api serves the integration endpoints beside the FreeRADIUS ones:
// batch user creation with its files, and the user token login/validation.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/rlmrest"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// Handler serves the integration endpoints.
type Handler struct {
	AAA      *aaa.Service
	Users    *users.Service
	Store    store.Store
	TimeZone *time.Location
	Log      *slog.Logger
}

// Register adds the endpoints to mux. guard (the API token check) protects
// the batch endpoints; the token endpoints are open, as in django-freeradius.
func (h *Handler) Register(mux httpx.Router, guard func(http.Handler) http.Handler) {
	rlmrest.Route(mux, "/api/v1/batch", guard(rlmrest.Methods{http.MethodPost: h.createBatch}))
	rlmrest.Route(mux, "/api/v1/batch/{id}/pdf", guard(rlmrest.Methods{http.MethodGet: h.batchFile("pdf")}))
	rlmrest.Route(mux, "/api/v1/batch/{id}/csv", guard(rlmrest.Methods{http.MethodGet: h.batchFile("csv")}))
	rlmrest.Route(mux, "/api/v1/usage", guard(rlmrest.Methods{http.MethodGet: h.usage}))
	rlmrest.Route(mux, "/api/v1/account/token", rlmrest.Methods{http.MethodPost: h.obtainToken})
	rlmrest.Route(mux, "/api/v1/account/token/validate", rlmrest.Methods{http.MethodPost: h.validateToken})
}

// writeServiceError maps an error of the users service: input mistakes are
// 400 with field errors, anything else a logged 500.
func writeServiceError(w http.ResponseWriter, r *http.Request, err error) {
	var ie *users.InputError
	if errors.As(err, &ie) {
		e := &httpx.FieldErrors{}
		field := ie.Field
		if field == "" {
			field = "non_field_errors"
		}
		for _, m := range ie.Msgs {
			e.Add(field, m)
		}
		httpx.WriteFieldErrors(w, e)
		return
	}
	httpx.ServerError(w, r, err)
}
