package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/batch"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// maxRadiusName is the width of the username and groupname columns of
// FreeRADIUS's tables (radcheck, radusergroup, radacct ...): a longer
// name could not be written there.
const maxRadiusName = 64

// Column widths of the users table.
const (
	maxEmail    = 254
	maxPersonal = 150 // first_name, last_name
)

// User is a user as the admin service shows it.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	Email       string `json:"email"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	IsActive    bool   `json:"is_active"`
	IsStaff     bool   `json:"is_staff"`
	IsSuperuser bool   `json:"is_superuser"`
	// HasPassword is false for an unusable password ("!..."): the user
	// can log in with a radius token only.
	HasPassword bool `json:"has_usable_password"`
	// HasNTHash says whether an NT hash is kept for MS-CHAP.
	HasNTHash  bool       `json:"has_nt_hash"`
	LastLogin  *time.Time `json:"last_login"`
	DateJoined time.Time  `json:"date_joined"`
	ExpiresAt  *time.Time `json:"expires_at"`
	// Groups are the user's radius groups, lowest priority first.
	Groups []string `json:"groups"`
}

func userView(u store.User, groups []string) User {
	if groups == nil {
		groups = []string{}
	}
	return User{
		ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		IsActive: u.IsActive, IsStaff: u.IsStaff, IsSuperuser: u.IsSuperuser,
		HasPassword: password.IsUsable(u.Password), HasNTHash: u.NTHash != "",
		LastLogin: utc(u.LastLogin), DateJoined: u.DateJoined.UTC(), ExpiresAt: utc(u.ExpiresAt),
		Groups: groups,
	}
}

// UserInput is a user to create, or the changes to one: nil fields are
// left as they are (or at their defaults on create).
type UserInput struct {
	// Username is needed to create; on update it renames the user and
	// every FreeRADIUS row of the old name (radcheck, radreply,
	// radusergroup and radacct, so usage limits keep counting; the
	// radpostauth log keeps the name that was sent).
	Username *string
	// Password is the new cleartext password; it is hashed, and an NT
	// hash is kept beside it when the server or one of the user's groups
	// opted in. Without one, a new user has no usable password.
	Password  *string
	Email     *string
	FirstName *string
	LastName  *string
	IsActive  *bool // default true
	IsStaff   *bool // default false
	// ExpiresAt is when the user stops being able to log in;
	// ClearExpiresAt removes it.
	ExpiresAt      *time.Time
	ClearExpiresAt bool
	// ClearNTHash removes the user's NT hash (MS-CHAP stops working until
	// the next password change or login of an opted-in user).
	ClearNTHash bool
	// Groups, when not nil, are the user's radius groups, lowest priority
	// first; they replace the current ones. A new user without Groups
	// joins the default group.
	Groups []string
}

// validate checks the fields given and returns the cleaned username.
func (in *UserInput) validate(creating bool) (*InputError, string) {
	e := &InputError{}
	var username string
	switch {
	case in.Username != nil:
		u, err := batch.CleanUsername(*in.Username)
		if err != nil {
			e.Add("username", err.Error())
		} else if len(u) > maxRadiusName {
			e.Add("username", fmt.Sprintf("is %d characters long; FreeRADIUS's tables hold at most %d", len(u), maxRadiusName))
		}
		username = u
	case creating:
		e.Add("username", "is required")
	}
	if in.Password != nil {
		switch {
		case *in.Password == "":
			e.Add("password", "may not be empty")
		case !store.Storable(*in.Password):
			e.Add("password", "must be valid UTF-8 text without NUL characters")
		}
		if in.ClearNTHash {
			e.Add("nt_hash", "a new password sets the NT hash as the settings say; do not clear it at the same time")
		}
	}
	if in.Email != nil && *in.Email != "" {
		if !batch.ValidEmail(*in.Email) {
			e.Add("email", fmt.Sprintf("%q is not a valid e-mail address", *in.Email))
		} else {
			text(e, "email", *in.Email, maxEmail)
		}
	}
	if in.FirstName != nil {
		text(e, "first_name", *in.FirstName, maxPersonal)
	}
	if in.LastName != nil {
		text(e, "last_name", *in.LastName, maxPersonal)
	}
	if in.ExpiresAt != nil && in.ClearExpiresAt {
		e.Add("expires_at", "give an expiration or clear it, not both")
	}
	for _, g := range in.Groups {
		name(e, "groups", g, maxRadiusName)
	}
	if dup := firstDuplicate(in.Groups); dup != "" {
		e.Add("groups", fmt.Sprintf("%q is given twice", dup))
	}
	return e, username
}

func firstDuplicate(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

// ListUsers returns a page of users ordered by username, with their groups,
// and the number of users matching f.
func (s *Service) ListUsers(ctx context.Context, f store.UserFilter, offset, limit int) ([]User, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountUsers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListUsersPage(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]User, len(list))
	for i, u := range list {
		gs, err := s.Store.UserGroups(ctx, u.Username)
		if err != nil {
			return nil, 0, err
		}
		out[i] = userView(u, gs)
	}
	return out, total, nil
}

// User returns one user with its groups.
func (s *Service) User(ctx context.Context, username string) (User, error) {
	u, err := s.Store.UserByUsername(ctx, username)
	if err != nil {
		return User{}, err
	}
	gs, err := s.Store.UserGroups(ctx, u.Username)
	if err != nil {
		return User{}, err
	}
	return userView(u, gs), nil
}

// CreateUser creates a user, with its memberships, in one transaction.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (User, error) {
	e, username := in.validate(true)
	if in.ClearNTHash || in.ClearExpiresAt {
		// Nothing to clear on a new user: harmless, ignored.
		in.ClearNTHash, in.ClearExpiresAt = false, false
	}
	if err := e.err(); err != nil {
		return User{}, err
	}
	u := store.User{
		Username: username, Password: password.Unusable(), IsActive: true, DateJoined: s.now(),
		ExpiresAt: utc(in.ExpiresAt),
	}
	setString(&u.Email, in.Email)
	setString(&u.FirstName, in.FirstName)
	setString(&u.LastName, in.LastName)
	setBool(&u.IsActive, in.IsActive)
	setBool(&u.IsStaff, in.IsStaff)
	groups := in.Groups
	if len(groups) == 0 {
		groups = nil // the default group
	}
	if in.Password != nil {
		nt, err := s.Users.NTHashFor(ctx, username, s.groupsOrDefault(ctx, groups), *in.Password)
		if err != nil {
			return User{}, err
		}
		u.Password, u.NTHash = s.Users.Hash(*in.Password), nt
	}
	err := s.Store.CreateUser(ctx, &u, groups...)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return User{}, inputErr("username", "a user named %q already exists", username)
	case errors.Is(err, store.ErrNotFound):
		return User{}, inputErr("groups", "%v", err)
	case err != nil:
		return User{}, err
	}
	return s.User(ctx, u.Username)
}

// groupsOrDefault returns groups, or the default group's name when there
// are none (what a new user joins); nil when there is no default group.
func (s *Service) groupsOrDefault(ctx context.Context, groups []string) []string {
	if len(groups) > 0 {
		return groups
	}
	if def, err := s.Store.DefaultGroup(ctx); err == nil {
		return []string{def.Name}
	}
	return []string{}
}

// UpdateUser changes a user in one transaction: a rename updates every
// FreeRADIUS row of the old name together with the account.
func (s *Service) UpdateUser(ctx context.Context, username string, in UserInput) (User, error) {
	e, newName := in.validate(false)
	if err := e.err(); err != nil {
		return User{}, err
	}
	cur, err := s.Store.UserByUsername(ctx, username)
	if err != nil {
		return User{}, err
	}
	upd := store.UserUpdate{
		Email: in.Email, FirstName: in.FirstName, LastName: in.LastName,
		IsActive: in.IsActive, IsStaff: in.IsStaff,
		ExpiresAt: utc(in.ExpiresAt), ClearExpiresAt: in.ClearExpiresAt, Groups: in.Groups,
	}
	if in.Username != nil && newName != cur.Username {
		upd.Username = &newName
	}
	if in.Password != nil {
		groups := in.Groups // nil: the current ones
		nt, err := s.Users.NTHashFor(ctx, cur.Username, groups, *in.Password)
		if err != nil {
			return User{}, err
		}
		hash := s.Users.Hash(*in.Password)
		upd.Password, upd.NTHash = &hash, &nt
	}
	if in.ClearNTHash {
		none := ""
		upd.NTHash = &none
	}
	u, err := s.Store.UpdateUser(ctx, cur.Username, upd)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return User{}, inputErr("username", "a user named %q already exists", newName)
	case errors.Is(err, store.ErrNotFound) && in.Groups != nil:
		// The user was found above: the missing thing is a group (or the
		// user went meanwhile, which the message says too).
		return User{}, inputErr("groups", "%v", err)
	case err != nil:
		return User{}, err
	}
	return s.User(ctx, u.Username)
}

// DeleteUser removes a user with its tokens, memberships, check and reply
// items and batch links (its accounting history stays).
func (s *Service) DeleteUser(ctx context.Context, username string) error {
	return s.Store.DeleteUser(ctx, username)
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}
