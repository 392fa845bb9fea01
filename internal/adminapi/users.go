package adminapi

import (
	"net/http"

	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

var (
	userFields = []string{"username", "password", "email", "first_name", "last_name", "is_active", "is_staff",
		"expires_at", "groups", "has_nt_hash"}
	userReadOnly = []string{"id", "is_superuser", "has_usable_password", "last_login", "date_joined"}
)

func (h *Handler) registerUsers(authed func(string, methods)) {
	authed("/users", methods{http.MethodGet: h.listUsers, http.MethodPost: h.createUser})
	authed("/users/{username}", methods{http.MethodGet: h.getUser, http.MethodPatch: h.updateUser, http.MethodDelete: h.deleteUser})
}

// listUsers: filters search (username or e-mail), group, is_active,
// is_staff, batch (id).
func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.UserFilter{Search: q.text("search"), Group: q.text("group"), IsActive: q.boolean("is_active"),
		IsStaff: q.boolean("is_staff"), Batch: q.text("batch")}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.User, int, error) {
		return h.Service.ListUsers(r.Context(), f, offset, limit)
	})
}

// userInput reads a user's fields; ok is false when an answer was written.
func (h *Handler) userInput(w http.ResponseWriter, r *http.Request) (admin.UserInput, bool) {
	f, ok := h.decode(w, r, false, userFields, userReadOnly...)
	if !ok {
		return admin.UserInput{}, false
	}
	in := admin.UserInput{
		Username: f.str("username"), Password: f.str("password"), Email: f.str("email"),
		FirstName: f.str("first_name"), LastName: f.str("last_name"),
		IsActive: f.boolean("is_active"), IsStaff: f.boolean("is_staff"), Groups: f.list("groups"),
	}
	in.ExpiresAt, in.ClearExpiresAt = f.instant("expires_at")
	// An NT hash comes from a password: it can be dropped, not set.
	if nt := f.boolean("has_nt_hash"); nt != nil {
		if *nt {
			f.e.Add("has_nt_hash", "An NT hash is made from a password: send the password, with --store-nt-hash or in a group with store_nt_hash.")
		}
		in.ClearNTHash = !*nt
	}
	return in, f.done(w)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	in, ok := h.userInput(w, r)
	if !ok {
		return
	}
	u, err := h.Service.CreateUser(r.Context(), in)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusCreated, u)
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) {
	u, err := h.Service.User(r.Context(), r.PathValue("username"))
	if err != nil {
		writeError(w, r, err, "user")
		return
	}
	httpx.JSON(w, http.StatusOK, u)
}

// mayChange refuses (403) a staff user's change to a superuser's account:
// setting its password would hand over the superuser's powers. ok is
// false when an answer was written.
func (h *Handler) mayChange(w http.ResponseWriter, r *http.Request, username string) bool {
	if callerOf(r.Context()).user.IsSuperuser {
		return true
	}
	u, err := h.Service.User(r.Context(), username)
	if err != nil {
		writeError(w, r, err, "user")
		return false
	}
	if u.IsSuperuser {
		httpx.Detail(w, http.StatusForbidden, "Only a superuser may change or delete a superuser's account.")
		return false
	}
	return true
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) {
	in, ok := h.userInput(w, r)
	if !ok || !h.mayChange(w, r, r.PathValue("username")) {
		return
	}
	u, err := h.Service.UpdateUser(r.Context(), r.PathValue("username"), in)
	if err != nil {
		writeError(w, r, err, "user")
		return
	}
	httpx.JSON(w, http.StatusOK, u)
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) {
	if !h.mayChange(w, r, r.PathValue("username")) {
		return
	}
	if err := h.Service.DeleteUser(r.Context(), r.PathValue("username")); err != nil {
		writeError(w, r, err, "user")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
