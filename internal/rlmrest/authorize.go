package rlmrest

import (
	"net/http"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
)

var (
	acceptBody = map[string]string{"control:Auth-Type": "Accept"}
	rejectBody = map[string]string{"control:Auth-Type": "Reject"}
)

// authorize answers 200 {"control:Auth-Type": "Accept"} for a good login;
// otherwise 200 with an empty body ("no opinion": FreeRADIUS rejects unless
// another module accepts) or, with AuthorizeReject, 401 Reject.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	// django-freeradius read these two keys as sent, without trimming.
	req := aaa.AuthorizeRequest{Username: plain(b.Get("username")), Password: plain(b.Get("password"))}
	d, err := h.AAA.Authorize(r.Context(), req)
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	switch {
	case d.Accept:
		httpx.JSON(w, http.StatusOK, acceptBody)
	case h.AuthorizeReject:
		httpx.JSON(w, http.StatusUnauthorized, rejectBody)
	default:
		httpx.Empty(w, http.StatusOK)
	}
}

// plain returns a string value, or "" for anything else.
func plain(v httpx.Value) string {
	if v.Kind == httpx.String {
		return v.S
	}
	return ""
}
