package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

var nasFields = []string{"name", "short_name", "type", "ports", "secret", "server", "community", "description"}

func (h *Handler) registerNAS(authed func(string, methods)) {
	authed("/nas", methods{http.MethodGet: h.listNAS, http.MethodPost: h.createNAS})
	authed("/nas/{id}", methods{http.MethodGet: h.getNAS, http.MethodPatch: h.updateNAS, http.MethodDelete: h.deleteNAS})
}

// listNAS: filter search (name, short name or description).
func (h *Handler) listNAS(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.NASFilter{Search: q.text("search")}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.NAS, int, error) {
		return h.Service.ListNAS(r.Context(), f, offset, limit)
	})
}

func (h *Handler) nasInput(w http.ResponseWriter, r *http.Request) (admin.NASInput, bool) {
	f, ok := h.decode(w, r, false, nasFields, bookkeeping...)
	if !ok {
		return admin.NASInput{}, false
	}
	in := admin.NASInput{Name: f.str("name"), Type: f.str("type"), Secret: f.str("secret")}
	// null clears the optional texts, as "" does.
	in.ShortName, _ = f.optStr("short_name")
	in.Server, _ = f.optStr("server")
	in.Community, _ = f.optStr("community")
	in.Description, _ = f.optStr("description")
	in.Ports, in.ClearPorts = f.integer("ports", -1<<62, 1<<62, true)
	return in, f.done(w)
}

func (h *Handler) createNAS(w http.ResponseWriter, r *http.Request) {
	in, ok := h.nasInput(w, r)
	if !ok {
		return
	}
	n, err := h.Service.CreateNAS(r.Context(), in)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusCreated, n)
}

func (h *Handler) getNAS(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "NAS")
	if !ok {
		return
	}
	n, err := h.Service.NAS(r.Context(), id)
	if err != nil {
		writeError(w, r, err, "NAS")
		return
	}
	httpx.JSON(w, http.StatusOK, n)
}

func (h *Handler) updateNAS(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "NAS")
	if !ok {
		return
	}
	in, ok := h.nasInput(w, r)
	if !ok {
		return
	}
	n, err := h.Service.UpdateNAS(r.Context(), id, in)
	if err != nil {
		writeError(w, r, err, "NAS")
		return
	}
	httpx.JSON(w, http.StatusOK, n)
}

func (h *Handler) deleteNAS(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "NAS")
	if !ok {
		return
	}
	if err := h.Service.DeleteNAS(r.Context(), id); err != nil {
		writeError(w, r, err, "NAS")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
