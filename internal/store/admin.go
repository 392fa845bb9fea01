package store

import (
	"context"
	"errors"
	"time"
)

// ErrDefaultGroup is returned when an operation would leave no default
// radius group: deleting it, or clearing its flag.
var ErrDefaultGroup = errors.New("the default radius group must stay: make another group the default first")

// UserFilter selects users for ListUsersPage. Empty strings and nil
// pointers mean "no condition".
type UserFilter struct {
	// Search matches a substring of the username or the e-mail address,
	// ignoring ASCII case.
	Search   string
	Group    string // member of this radius group
	IsActive *bool
	IsStaff  *bool
	// Batch is the id of a batch the users belong to.
	Batch string
}

// UserUpdate lists the fields UpdateUser changes; nil fields are kept.
type UserUpdate struct {
	// Username renames the user, and with it every row of radcheck,
	// radreply, radusergroup and radacct of the old name (radpostauth is
	// a log of what was sent and keeps it).
	Username  *string
	Password  *string // an encoded hash
	NTHash    *string // "" removes it
	Email     *string
	FirstName *string
	LastName  *string
	IsActive  *bool
	IsStaff   *bool
	// IsSuperuser is kept for django-freeradius databases; goradius grants
	// nothing with it.
	IsSuperuser *bool
	// ExpiresAt sets the expiration; ClearExpiresAt removes it.
	ExpiresAt      *time.Time
	ClearExpiresAt bool
	// Groups, when not nil, replaces the user's memberships: priorities
	// from 1 in the given order (an empty, non-nil list: no group).
	Groups []string
}

// GroupFilter selects radius groups: Search matches a substring of the
// name or description, ignoring ASCII case.
type GroupFilter struct {
	Search string
}

// GroupUpdate lists the fields UpdateGroup changes; nil fields are kept.
type GroupUpdate struct {
	// Name renames the group and every radgroupcheck, radgroupreply and
	// radusergroup row of the old name (radacct.groupname is history and
	// keeps it).
	Name        *string
	Description *string
	// IsDefault true moves the default flag to this group; false on the
	// default group is ErrDefaultGroup.
	IsDefault   *bool
	StoreNTHash *bool
}

// ItemRecord is one row of an item table with its bookkeeping.
type ItemRecord struct {
	ID int64
	// Name is the username (radcheck, radreply) or the groupname.
	Name      string
	Attribute string
	Op        string
	Value     string
	// IsActive, ValidUntil and Notes exist in radcheck only (elsewhere
	// IsActive reads true).
	IsActive   bool
	ValidUntil *time.Time
	Notes      string
	Created    time.Time
	Modified   time.Time
}

// ItemFilter selects items: exact name and attribute when not "".
type ItemFilter struct {
	Name      string
	Attribute string
}

// Membership is one radusergroup row.
type Membership struct {
	ID        int64
	Username  string
	Groupname string
	Priority  int
	Created   time.Time
	Modified  time.Time
}

// MembershipFilter selects memberships: exact names when not "".
type MembershipFilter struct {
	Username  string
	Groupname string
}

// NASRecord is a nas row with its id.
type NASRecord struct {
	ID int64
	NAS
}

// NASFilter selects NAS entries: Search matches a substring of the name,
// short name or description, ignoring ASCII case.
type NASFilter struct {
	Search string
}

// BatchSummary is a batch in a list: its user ids are left out, counted.
type BatchSummary struct {
	Batch
	UserCount int
}

// BatchFilter selects batches: Search matches a substring of the name,
// ignoring ASCII case; Strategy is exact.
type BatchFilter struct {
	Search   string
	Strategy string
}

// RadiusToken is a user's radius token (usable once as a password).
type RadiusToken struct {
	Key      string
	UserID   int64
	Username string
	Created  time.Time
}

// TokenFilter selects radius tokens by exact username.
type TokenFilter struct {
	Username string
}

// PostAuthFilter selects radpostauth rows. Empty strings and nil pointers
// mean "no condition".
type PostAuthFilter struct {
	Username         string
	Reply            string // e.g. Access-Accept, Access-Reject
	CalledStationID  string
	CallingStationID string
	From             *time.Time // authdate >= From
	Until            *time.Time // authdate < Until
}

// AdminStore is the storage of the admin service (package admin): paged
// lists with counts, updates that keep FreeRADIUS's rows consistent, and
// the maintenance deletes. Lists are ordered by a stable key, skip offset
// rows and return at most limit rows (no limit when limit <= 0).
type AdminStore interface {
	// ListUsersPage returns users ordered by username; CountUsers counts
	// the matches.
	ListUsersPage(ctx context.Context, f UserFilter, offset, limit int) ([]User, error)
	CountUsers(ctx context.Context, f UserFilter) (int, error)
	// UpdateUser changes a user in one transaction and returns it as
	// stored. A taken new username returns ErrAlreadyExists, an unknown
	// group ErrNotFound.
	UpdateUser(ctx context.Context, username string, u UserUpdate) (User, error)
	// DeactivateExpiredUsers sets is_active false on active users whose
	// expires_at is at or before now, and returns how many.
	DeactivateExpiredUsers(ctx context.Context, now time.Time) (int64, error)
	// DeleteExpiredUsers deletes, as DeleteUser does, the users whose
	// expires_at is before cutoff, and the batches whose expiration date
	// is before cutoff's day with all their users. It returns how many
	// users and batches went.
	DeleteExpiredUsers(ctx context.Context, cutoff time.Time) (users, batches int64, err error)

	// GroupByName returns the radius group of exactly that name.
	GroupByName(ctx context.Context, name string) (RadiusGroup, error)
	// ListGroupsPage returns groups ordered by name; CountGroups counts.
	ListGroupsPage(ctx context.Context, f GroupFilter, offset, limit int) ([]RadiusGroup, error)
	CountGroups(ctx context.Context, f GroupFilter) (int, error)
	// UpdateGroup changes a group in one transaction and returns it. A
	// taken name returns ErrAlreadyExists; clearing the default flag of
	// the default group returns ErrDefaultGroup.
	UpdateGroup(ctx context.Context, name string, g GroupUpdate) (RadiusGroup, error)
	// DeleteGroup removes a group with its check and reply items and its
	// memberships; the default group returns ErrDefaultGroup.
	DeleteGroup(ctx context.Context, name string) error

	// ListItems returns one item table's rows ordered by name, then id.
	ListItems(ctx context.Context, t ItemTable, f ItemFilter, offset, limit int) ([]ItemRecord, error)
	CountItems(ctx context.Context, t ItemTable, f ItemFilter) (int, error)
	ItemByID(ctx context.Context, t ItemTable, id int64) (ItemRecord, error)
	// CreateItem inserts it (it.ID, Created, Modified are set), linked to
	// the user or group of that name; a group table needs the group
	// (ErrNotFound otherwise), a user table takes any username.
	CreateItem(ctx context.Context, t ItemTable, it *ItemRecord) error
	// UpdateItem rewrites the item it.ID (name, attribute, op, value and
	// radcheck's extras) and sets it.Modified.
	UpdateItem(ctx context.Context, t ItemTable, it *ItemRecord) error
	DeleteItem(ctx context.Context, t ItemTable, id int64) error

	// ListMemberships returns radusergroup rows ordered by username,
	// priority, id.
	ListMemberships(ctx context.Context, f MembershipFilter, offset, limit int) ([]Membership, error)
	CountMemberships(ctx context.Context, f MembershipFilter) (int, error)
	MembershipByID(ctx context.Context, id int64) (Membership, error)
	// CreateMembership inserts m (ID, Created, Modified set). The group
	// must exist (ErrNotFound); the username already in that group
	// returns ErrAlreadyExists.
	CreateMembership(ctx context.Context, m *Membership) error
	// UpdateMembership changes m.ID's group and priority (ErrAlreadyExists
	// when the user is in the new group already).
	UpdateMembership(ctx context.Context, m *Membership) error
	DeleteMembership(ctx context.Context, id int64) error

	// ListNAS returns nas rows ordered by name, then id.
	ListNAS(ctx context.Context, f NASFilter, offset, limit int) ([]NASRecord, error)
	CountNAS(ctx context.Context, f NASFilter) (int, error)
	NASByID(ctx context.Context, id int64) (NASRecord, error)
	// CreateNAS inserts n (ID, Created, Modified set); a taken nasname
	// returns ErrAlreadyExists.
	CreateNAS(ctx context.Context, n *NASRecord) error
	// UpdateNAS rewrites every field of n.ID (ErrAlreadyExists when the
	// new name is another entry's).
	UpdateNAS(ctx context.Context, n *NASRecord) error
	DeleteNAS(ctx context.Context, id int64) error

	// ListBatches returns batches newest first; CountBatches counts.
	ListBatches(ctx context.Context, f BatchFilter, offset, limit int) ([]BatchSummary, error)
	CountBatches(ctx context.Context, f BatchFilter) (int, error)
	// DeleteBatch removes a batch, its files and its users (as
	// DeleteUser does) in one transaction, and returns how many users.
	DeleteBatch(ctx context.Context, id string) (int64, error)
	// ExpireBatch sets a batch's expiration date to day and its users'
	// expires_at to at, in one transaction.
	ExpireBatch(ctx context.Context, id string, day, at time.Time) error

	// ListRadiusTokens returns tokens ordered by username.
	ListRadiusTokens(ctx context.Context, f TokenFilter, offset, limit int) ([]RadiusToken, error)
	CountRadiusTokens(ctx context.Context, f TokenFilter) (int, error)
	RadiusTokenOf(ctx context.Context, username string) (RadiusToken, error)
	// PutRadiusToken gives the user a radius token of key, replacing the
	// one it had.
	PutRadiusToken(ctx context.Context, username, key string) (RadiusToken, error)
	DeleteRadiusToken(ctx context.Context, username string) error

	// AcctSessionByID returns the radacct row of that radacctid;
	// AcctSessionByUniqueID the one of that acctuniqueid.
	AcctSessionByID(ctx context.Context, id int64) (AcctSession, error)
	AcctSessionByUniqueID(ctx context.Context, uniqueID string) (AcctSession, error)
	// CloseAcctSession stops the open session id at at with the cause
	// given (session time up to at, never shorter than reported) and
	// reports whether it was open.
	CloseAcctSession(ctx context.Context, id int64, at time.Time, cause string) (bool, error)
	// DeleteSessionsStoppedBefore deletes closed sessions whose stop time
	// is before t (open ones are never deleted) and returns how many.
	DeleteSessionsStoppedBefore(ctx context.Context, t time.Time) (int64, error)

	// ListPostAuth returns radpostauth rows newest first; CountPostAuth
	// counts them.
	ListPostAuth(ctx context.Context, f PostAuthFilter, offset, limit int) ([]PostAuth, error)
	CountPostAuth(ctx context.Context, f PostAuthFilter) (int, error)
	// DeletePostAuthBefore deletes rows whose authdate is before t.
	DeletePostAuthBefore(ctx context.Context, t time.Time) (int64, error)
}
