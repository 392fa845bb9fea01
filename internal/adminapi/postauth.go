package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

func (h *Handler) registerPostAuth(authed func(string, methods)) {
	authed("/postauth", methods{http.MethodGet: h.listPostAuth, http.MethodDelete: h.deleteOldPostAuth})
}

// listPostAuth: filters username, reply, called_station_id,
// calling_station_id (exact), from (authdate >=), until (authdate <);
// newest first.
func (h *Handler) listPostAuth(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.PostAuthFilter{
		Username: q.text("username"), Reply: q.text("reply"), CalledStationID: q.text("called_station_id"),
		CallingStationID: q.text("calling_station_id"), From: q.instant("from"), Until: q.instant("until"),
	}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.PostAuth, int, error) {
		return h.Service.ListPostAuth(r.Context(), f, offset, limit)
	})
}

// deleteOldPostAuth deletes the rows older than ?older_than_days=N.
func (h *Handler) deleteOldPostAuth(w http.ResponseWriter, r *http.Request) {
	days, ok := h.olderThanDays(w, r)
	if !ok {
		return
	}
	n, err := h.Service.DeleteOldPostAuth(r.Context(), days)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusOK, deleted{n})
}
