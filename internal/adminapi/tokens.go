package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

// Radius tokens (one per user, usable as a password) are found by
// username.
func (h *Handler) registerRadiusTokens(authed func(string, methods)) {
	authed("/radius-tokens", methods{http.MethodGet: h.listRadiusTokens, http.MethodPost: h.createRadiusToken})
	authed("/radius-tokens/{username}", methods{http.MethodGet: h.getRadiusToken, http.MethodDelete: h.deleteRadiusToken})
}

// listRadiusTokens: filter username (exact).
func (h *Handler) listRadiusTokens(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.TokenFilter{Username: q.text("username")}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.RadiusToken, int, error) {
		return h.Service.ListTokens(r.Context(), f, offset, limit)
	})
}

// createRadiusToken gives a user a new radius token, replacing any.
func (h *Handler) createRadiusToken(w http.ResponseWriter, r *http.Request) {
	f, ok := h.decode(w, r, false, []string{"username"}, "key", "created")
	if !ok {
		return
	}
	name := f.str("username")
	if name == nil && !f.e.Has("username") {
		f.e.Add("username", httpx.MsgRequired)
	}
	if !f.done(w) {
		return
	}
	t, err := h.Service.CreateToken(r.Context(), *name)
	if err != nil {
		writeError(w, r, err, "user "+quote(*name))
		return
	}
	httpx.JSON(w, http.StatusCreated, t)
}

func (h *Handler) getRadiusToken(w http.ResponseWriter, r *http.Request) {
	t, err := h.Service.Token(r.Context(), r.PathValue("username"))
	if err != nil {
		writeError(w, r, err, "radius token")
		return
	}
	httpx.JSON(w, http.StatusOK, t)
}

func (h *Handler) deleteRadiusToken(w http.ResponseWriter, r *http.Request) {
	if err := h.Service.DeleteToken(r.Context(), r.PathValue("username")); err != nil {
		writeError(w, r, err, "radius token")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
