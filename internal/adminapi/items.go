package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

// itemTables are FreeRADIUS's item tables, served at their own names.
var itemTables = []store.ItemTable{store.RadCheck, store.RadReply, store.RadGroupCheck, store.RadGroupReply}

func isGroupTable(t store.ItemTable) bool {
	return t == store.RadGroupCheck || t == store.RadGroupReply
}

// itemNameField is the key of the user or group an item belongs to.
func itemNameField(t store.ItemTable) string {
	if isGroupTable(t) {
		return "groupname"
	}
	return "username"
}

func itemFields(t store.ItemTable) []string {
	fs := []string{itemNameField(t), "attribute", "op", "value"}
	if t == store.RadCheck {
		fs = append(fs, "is_active", "valid_until", "notes")
	}
	return fs
}

func (h *Handler) registerItems(authed func(string, methods)) {
	for _, t := range itemTables {
		authed("/"+string(t), methods{http.MethodGet: h.listItems(t), http.MethodPost: h.createItem(t)})
		authed("/"+string(t)+"/{id}", methods{http.MethodGet: h.getItem(t), http.MethodPatch: h.updateItem(t), http.MethodDelete: h.deleteItem(t)})
	}
}

// listItems: filters username (user tables) or groupname (group tables),
// attribute; exact.
func (h *Handler) listItems(t store.ItemTable) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := h.query(r.URL)
		f := store.ItemFilter{Name: q.text(itemNameField(t)), Attribute: q.text("attribute")}
		if !q.e.Empty() {
			httpx.WriteFieldErrors(w, q.e)
			return
		}
		listPage(w, r, func(offset, limit int) ([]admin.Item, int, error) {
			return h.Service.ListItems(r.Context(), t, f, offset, limit)
		})
	}
}

func (h *Handler) itemInput(w http.ResponseWriter, r *http.Request, t store.ItemTable) (admin.ItemInput, bool) {
	f, ok := h.decode(w, r, false, itemFields(t), bookkeeping...)
	if !ok {
		return admin.ItemInput{}, false
	}
	in := admin.ItemInput{Name: f.str(itemNameField(t)), Attribute: f.str("attribute"), Op: f.str("op"), Value: f.str("value")}
	if t == store.RadCheck {
		in.IsActive = f.boolean("is_active")
		in.ValidUntil, in.ClearValidUntil = f.instant("valid_until")
		in.Notes = f.str("notes")
	}
	return in, f.done(w)
}

func (h *Handler) createItem(t store.ItemTable) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, ok := h.itemInput(w, r, t)
		if !ok {
			return
		}
		it, err := h.Service.CreateItem(r.Context(), t, in)
		if err != nil {
			writeError(w, r, err, "")
			return
		}
		httpx.JSON(w, http.StatusCreated, it)
	}
}

func (h *Handler) getItem(t store.ItemTable) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r, "id", string(t)+" item")
		if !ok {
			return
		}
		it, err := h.Service.Item(r.Context(), t, id)
		if err != nil {
			writeError(w, r, err, string(t)+" item")
			return
		}
		httpx.JSON(w, http.StatusOK, it)
	}
}

func (h *Handler) updateItem(t store.ItemTable) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r, "id", string(t)+" item")
		if !ok {
			return
		}
		in, ok := h.itemInput(w, r, t)
		if !ok {
			return
		}
		it, err := h.Service.UpdateItem(r.Context(), t, id, in)
		if err != nil {
			writeError(w, r, err, string(t)+" item")
			return
		}
		httpx.JSON(w, http.StatusOK, it)
	}
}

func (h *Handler) deleteItem(t store.ItemTable) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r, "id", string(t)+" item")
		if !ok {
			return
		}
		if err := h.Service.DeleteItem(r.Context(), t, id); err != nil {
			writeError(w, r, err, string(t)+" item")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
