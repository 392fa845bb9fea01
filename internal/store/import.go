package store

import (
	"context"
	"time"
)

// Importer is implemented by backends that can take in records brought over
// from another database (django-freeradius, see package djimport). Every
// method upserts by the record's natural key, never by the source's ids:
// a record whose key is already present is left exactly as it is, so
// importing the same records twice changes nothing. Links between records
// are by name (username, groupname, batch name) and resolved to the
// target's own ids.
//
// Each call runs in one transaction: callers pass batches of a few hundred
// rows. Each method returns, for every input row in order, whether it was
// inserted (false: already present).
type Importer interface {
	// ImportGroups upserts radius groups by name (IsDefault of a new group
	// is not taken as is, see below). When one of groups is the default
	// one, it becomes the target's only default group, whether it was
	// inserted or already present; more than one default among groups is
	// an error.
	ImportGroups(ctx context.Context, groups []RadiusGroup) ([]bool, error)
	// ImportUsers upserts users by username, keeping every field as given
	// (the encoded password too). ID is ignored.
	ImportUsers(ctx context.Context, users []User) ([]bool, error)
	// ImportItems upserts rows of one item table by (name, attribute, op,
	// value), name being the username or the groupname. A new row is linked
	// to the user or group of that name when there is one.
	ImportItems(ctx context.Context, table ItemTable, items []ImportItem) ([]bool, error)
	// ImportMemberships upserts radusergroup rows by (username, groupname),
	// linked to the user and group of those names when they exist.
	ImportMemberships(ctx context.Context, ms []ImportMembership) ([]bool, error)
	// ImportNAS upserts nas rows by nasname.
	ImportNAS(ctx context.Context, nas []NAS) ([]bool, error)
	// ImportTokens upserts a token table's rows by user: a user who already
	// has a token keeps it. The user must exist (ErrNotFound otherwise).
	ImportTokens(ctx context.Context, kind TokenKind, tokens []ImportToken) ([]bool, error)
	// ImportBatches upserts radbatch rows by name (ID is kept on insert;
	// UserIDs is ignored: see ImportBatchUsers). No file content is
	// written.
	ImportBatches(ctx context.Context, batches []Batch) ([]bool, error)
	// ImportBatchUsers upserts the links between a batch and its users by
	// (batch name, username); both must exist (ErrNotFound otherwise).
	ImportBatchUsers(ctx context.Context, links []ImportBatchUser) ([]bool, error)
	// ImportAccounting upserts radacct rows by unique id with every column
	// as given (ID is ignored: the target numbers its rows).
	ImportAccounting(ctx context.Context, sessions []AcctSession) ([]bool, error)
	// ImportPostAuth upserts radpostauth rows by (username, authdate,
	// reply, password). ID is ignored.
	ImportPostAuth(ctx context.Context, rows []PostAuth) ([]bool, error)
}

// ItemTable names one of FreeRADIUS's four item tables.
type ItemTable string

// The item tables.
const (
	RadCheck      ItemTable = "radcheck"
	RadReply      ItemTable = "radreply"
	RadGroupCheck ItemTable = "radgroupcheck"
	RadGroupReply ItemTable = "radgroupreply"
)

// ImportItem is one row of an item table.
type ImportItem struct {
	// Name is the username (radcheck, radreply) or the groupname.
	Name      string
	Attribute string
	Op        string
	Value     string
	// IsActive, ValidUntil and Notes are radcheck's extra columns (ignored
	// for the other tables).
	IsActive   bool
	ValidUntil *time.Time
	Notes      *string
	Created    time.Time
	Modified   time.Time
}

// ImportMembership is one radusergroup row.
type ImportMembership struct {
	Username  string
	Groupname string
	Priority  int
	Created   time.Time
	Modified  time.Time
}

// NAS is one RADIUS client (the nas table).
type NAS struct {
	Name        string // nasname: an address or a network
	ShortName   *string
	Type        string
	Ports       *int64
	Secret      string
	Server      *string
	Community   *string
	Description *string
	Created     time.Time
	Modified    time.Time
}

// TokenKind names a per-user token table.
type TokenKind string

// The token tables.
const (
	AuthTokenKind   TokenKind = "authtoken"   // REST API tokens
	RadiusTokenKind TokenKind = "radiustoken" // radius user tokens
)

// ImportToken is one per-user token.
type ImportToken struct {
	Username string
	Key      string
	Created  time.Time
}

// ImportBatchUser links a user to a batch.
type ImportBatchUser struct {
	BatchName string
	Username  string
}
