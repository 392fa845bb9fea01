package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

var membershipFields = []string{"username", "groupname", "priority"}

// Memberships are radusergroup rows, served at the table's name.
func (h *Handler) registerMemberships(authed func(string, methods)) {
	authed("/radusergroup", methods{http.MethodGet: h.listMemberships, http.MethodPost: h.createMembership})
	authed("/radusergroup/{id}", methods{http.MethodGet: h.getMembership, http.MethodPatch: h.updateMembership, http.MethodDelete: h.deleteMembership})
}

// listMemberships: filters username, groupname (exact).
func (h *Handler) listMemberships(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.MembershipFilter{Username: q.text("username"), Groupname: q.text("groupname")}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.Membership, int, error) {
		return h.Service.ListMemberships(r.Context(), f, offset, limit)
	})
}

func (h *Handler) membershipInput(w http.ResponseWriter, r *http.Request) (admin.MembershipInput, bool) {
	f, ok := h.decode(w, r, false, membershipFields, bookkeeping...)
	if !ok {
		return admin.MembershipInput{}, false
	}
	in := admin.MembershipInput{Username: f.str("username"), Groupname: f.str("groupname")}
	if p, _ := f.integer("priority", -1<<31, 1<<31-1, false); p != nil {
		n := int(*p)
		in.Priority = &n
	}
	return in, f.done(w)
}

func (h *Handler) createMembership(w http.ResponseWriter, r *http.Request) {
	in, ok := h.membershipInput(w, r)
	if !ok {
		return
	}
	m, err := h.Service.CreateMembership(r.Context(), in)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusCreated, m)
}

func (h *Handler) getMembership(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "membership")
	if !ok {
		return
	}
	m, err := h.Service.Membership(r.Context(), id)
	if err != nil {
		writeError(w, r, err, "membership")
		return
	}
	httpx.JSON(w, http.StatusOK, m)
}

func (h *Handler) updateMembership(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "membership")
	if !ok {
		return
	}
	in, ok := h.membershipInput(w, r)
	if !ok {
		return
	}
	m, err := h.Service.UpdateMembership(r.Context(), id, in)
	if err != nil {
		writeError(w, r, err, "membership")
		return
	}
	httpx.JSON(w, http.StatusOK, m)
}

func (h *Handler) deleteMembership(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "membership")
	if !ok {
		return
	}
	if err := h.Service.DeleteMembership(r.Context(), id); err != nil {
		writeError(w, r, err, "membership")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
