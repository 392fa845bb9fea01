package adminapi

import (
	"net/http"
	"slices"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

var groupFields = []string{"name", "description", "is_default", "store_nt_hash", "check", "reply"}

// bookkeeping are the read-only fields most objects have.
var bookkeeping = []string{"id", "created", "modified"}

// groupItemFields are the keys of an item in a new group's check and
// reply lists.
var groupItemFields = []string{"attribute", "op", "value"}

func (h *Handler) registerGroups(authed func(string, methods)) {
	authed("/groups", methods{http.MethodGet: h.listGroups, http.MethodPost: h.createGroup})
	authed("/groups/{name}", methods{http.MethodGet: h.getGroup, http.MethodPatch: h.updateGroup, http.MethodDelete: h.deleteGroup})
}

// listGroups: filter search (name or description).
func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.GroupFilter{Search: q.text("search")}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.Group, int, error) {
		return h.Service.ListGroups(r.Context(), f, offset, limit)
	})
}

func (h *Handler) groupInput(w http.ResponseWriter, r *http.Request) (admin.GroupInput, bool) {
	f, ok := h.decode(w, r, false, groupFields, bookkeeping...)
	if !ok {
		return admin.GroupInput{}, false
	}
	in := admin.GroupInput{Name: f.str("name"), Description: f.str("description"),
		IsDefault: f.boolean("is_default"), StoreNTHash: f.boolean("store_nt_hash")}
	for _, list := range []struct {
		field string
		dst   *[]admin.ItemInput
	}{{"check", &in.Check}, {"reply", &in.Reply}} {
		for i, ib := range f.objects(list.field) {
			itf := h.fields(ib)
			keys := make([]string, 0, len(ib.Fields))
			for k := range ib.Fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if !slices.Contains(groupItemFields, k) {
					f.e.Add(list.field, "Item "+itoa(i+1)+": unknown field "+quote(k)+"; the fields are: attribute, op, value.")
				}
			}
			it := admin.ItemInput{Attribute: itf.str("attribute"), Op: itf.str("op"), Value: itf.str("value")}
			for _, n := range itf.e.Fields() {
				for _, m := range itf.e.Messages(n) {
					f.e.Add(list.field, "Item "+itoa(i+1)+": "+n+": "+m)
				}
			}
			*list.dst = append(*list.dst, it)
		}
	}
	return in, f.done(w)
}

func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request) {
	in, ok := h.groupInput(w, r)
	if !ok {
		return
	}
	g, err := h.Service.CreateGroup(r.Context(), in)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusCreated, g)
}

func (h *Handler) getGroup(w http.ResponseWriter, r *http.Request) {
	g, err := h.Service.Group(r.Context(), r.PathValue("name"))
	if err != nil {
		writeError(w, r, err, "radius group")
		return
	}
	httpx.JSON(w, http.StatusOK, g)
}

func (h *Handler) updateGroup(w http.ResponseWriter, r *http.Request) {
	in, ok := h.groupInput(w, r)
	if !ok {
		return
	}
	g, err := h.Service.UpdateGroup(r.Context(), r.PathValue("name"), in)
	if err != nil {
		writeError(w, r, err, "radius group")
		return
	}
	httpx.JSON(w, http.StatusOK, g)
}

func (h *Handler) deleteGroup(w http.ResponseWriter, r *http.Request) {
	if err := h.Service.DeleteGroup(r.Context(), r.PathValue("name")); err != nil {
		writeError(w, r, err, "radius group")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
