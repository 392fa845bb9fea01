package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

func (h *Handler) registerSessions(authed func(string, methods)) {
	authed("/sessions", methods{http.MethodGet: h.listSessions, http.MethodDelete: h.deleteOldSessions})
	authed("/sessions/{id}", methods{http.MethodGet: h.getSession})
	authed("/sessions/{id}/close", methods{http.MethodPost: h.closeSession})
}

// listSessions: the accounting list's filters (username,
// called_station_id, calling_station_id exact; start_time from,
// stop_time until; is_open), newest first.
func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.AcctFilter{
		Username: q.text("username"), CalledStationID: q.text("called_station_id"),
		CallingStationID: q.text("calling_station_id"), StartFrom: q.instant("start_time"),
		StopUntil: q.instant("stop_time"), IsOpen: q.boolean("is_open"),
	}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.Session, int, error) {
		return h.Service.ListSessions(r.Context(), f, offset, limit)
	})
}

func (h *Handler) getSession(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "session")
	if !ok {
		return
	}
	s, err := h.Service.Session(r.Context(), id)
	if err != nil {
		writeError(w, r, err, "session")
		return
	}
	httpx.JSON(w, http.StatusOK, s)
}

// closeSession stops an open session now (terminate cause Admin-Reset).
// It does not disconnect the user at the NAS.
func (h *Handler) closeSession(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "session")
	if !ok {
		return
	}
	s, err := h.Service.CloseSession(r.Context(), id)
	if err != nil {
		writeError(w, r, err, "session")
		return
	}
	httpx.JSON(w, http.StatusOK, s)
}

type deleted struct {
	Deleted int64 `json:"deleted"`
}

// deleteOldSessions deletes the closed sessions stopped more than
// ?older_than_days=N ago (open ones stay).
func (h *Handler) deleteOldSessions(w http.ResponseWriter, r *http.Request) {
	days, ok := h.olderThanDays(w, r)
	if !ok {
		return
	}
	n, err := h.Service.DeleteOldSessions(r.Context(), days)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusOK, deleted{n})
}

// olderThanDays reads the required older_than_days parameter of the bulk
// deletes; ok is false when an answer was written.
func (h *Handler) olderThanDays(w http.ResponseWriter, r *http.Request) (int, bool) {
	q := h.query(r.URL)
	days := q.integer("older_than_days", 0, 1)
	if days == 0 && q.e.Empty() {
		q.e.Add("older_than_days", httpx.MsgRequired)
	}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return 0, false
	}
	return days, true
}
