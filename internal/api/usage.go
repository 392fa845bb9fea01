package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
)

type limitJSON struct {
	Check     string  `json:"check"`
	Period    string  `json:"period"`
	Unit      string  `json:"unit"`
	Limit     int64   `json:"limit"`
	Used      int64   `json:"used"`
	Remaining int64   `json:"remaining"`
	Reset     *string `json:"reset"`
}

type usageJSON struct {
	Username string      `json:"username"`
	Limits   []limitJSON `json:"limits"`
}

// usage answers a user's limits: for each counter its limit, what is used
// and what remains, and when it starts again.
func (h *Handler) usage(w http.ResponseWriter, r *http.Request) {
	username := r.URL.Query().Get("username")
	if strings.TrimSpace(username) == "" {
		e := &httpx.FieldErrors{}
		e.Add("username", httpx.MsgRequired)
		httpx.WriteFieldErrors(w, e)
		return
	}
	limits, err := h.AAA.Usage(r.Context(), username)
	if errors.Is(err, aaa.ErrUnknownUser) {
		httpx.Detail(w, http.StatusNotFound, "Not found.")
		return
	}
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	out := usageJSON{Username: username, Limits: make([]limitJSON, len(limits))}
	for i, l := range limits {
		out.Limits[i] = limitOf(l, h)
	}
	httpx.JSON(w, http.StatusOK, out)
}

// limitOf renders one limit.
func limitOf(l aaa.Limit, h *Handler) limitJSON {
	unit := "seconds"
	if l.Counter.Traffic {
		unit = "octets"
	}
	j := limitJSON{Check: l.Counter.Check, Period: l.Counter.Period.String(), Unit: unit,
		Limit: l.Value, Used: l.Used, Remaining: l.Remaining}
	if !l.Reset.IsZero() {
		s := httpx.FormatTime(l.Reset, h.TimeZone)
		j.Reset = &s
	}
	return j
}
