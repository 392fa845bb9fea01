package rlmrest

import (
	"net/http"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
)

// postAuth logs the outcome of an authentication: 201 with an empty body.
// Over-long values are truncated, never refused: a failing post-auth call
// would turn FreeRADIUS's Access-Accept into an Access-Reject.
func (h *Handler) postAuth(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	nativeFields(b)
	// A failing post-auth turns FreeRADIUS's accept into a reject: text the
	// database cannot hold is cleaned, as over-long text is truncated.
	for k, v := range b.Fields {
		if v.Kind == httpx.String {
			v.S = httpx.CleanText(v.S)
			b.Fields[k] = v
		}
	}
	e := &httpx.FieldErrors{}
	// Lengths are checked by truncation in aaa.PostAuth, so no max here.
	username, st := httpx.Text(e, "username", b.Get("username"), 0, false)
	httpx.Require(e, "username", st, false)
	pass, st := httpx.Text(e, "password", b.Get("password"), 0, true)
	if st == httpx.Nil {
		e.Add("password", httpx.MsgNotNull)
	}
	rv := b.Get("reply")
	if rv.Kind == httpx.Absent {
		// The native encoding has no reply packet type among the request
		// attributes: the shipped configuration puts it in the URI.
		if q := r.URL.Query().Get("reply"); q != "" {
			rv = httpx.Value{Kind: httpx.String, S: httpx.CleanText(q)}
		}
	}
	reply, st := httpx.Text(e, "reply", rv, 0, false)
	httpx.Require(e, "reply", st, false)
	called := optionalText(e, "called_station_id", b.Get("called_station_id"))
	calling := optionalText(e, "calling_station_id", b.Get("calling_station_id"))
	if !e.Empty() {
		httpx.WriteFieldErrors(w, e)
		return
	}
	err := h.AAA.PostAuth(r.Context(), aaa.PostAuthRequest{
		Username: username, Password: pass, Reply: reply,
		CalledStationID: called, CallingStationID: calling,
	})
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	httpx.Empty(w, http.StatusCreated)
}

// optionalText reads a nullable, blank-allowed text field: nil when absent
// or null.
func optionalText(e *httpx.FieldErrors, name string, v httpx.Value) *string {
	s, st := httpx.Text(e, name, v, 0, false)
	switch st {
	case httpx.Set, httpx.Blank:
		return &s
	}
	return nil
}
