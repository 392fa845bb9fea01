// Package store holds goradius's domain types, the Store interface every
// database backend implements, and the sentinel errors at that boundary.
//
// Tables keep FreeRADIUS's own names and columns (radcheck, radreply,
// radgroupcheck, radgroupreply, radusergroup, radacct, radpostauth, nas) so
// FreeRADIUS's sql and sqlcounter modules can share the database.
package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// ErrNotFound is returned when the requested row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists is returned when a unique key is already taken.
	ErrAlreadyExists = errors.New("already exists")
	// ErrSchemaTooNew is returned when the database was migrated by a newer
	// goradius than this binary.
	ErrSchemaTooNew = errors.New("database schema is newer than this goradius")
)

// User is an account that can log in through FreeRADIUS (Django's auth_user).
type User struct {
	ID          int64
	Username    string
	Password    string // a Django-style encoded hash, or "!..." for no usable password
	Email       string
	FirstName   string
	LastName    string
	IsActive    bool
	IsStaff     bool
	IsSuperuser bool
	LastLogin   *time.Time
	DateJoined  time.Time
	// ExpiresAt, when set, is the instant from which the user may no longer
	// log in (from a batch's expiration_date).
	ExpiresAt *time.Time
	// NTHash is the NT hash of the password (32 hex digits), kept only when
	// the operator opts in for MS-CHAP; "" otherwise.
	NTHash string
}

// RadiusGroup is a named group of check and reply items
// (django_freeradius_radiusgroup). Exactly one group is the default one.
type RadiusGroup struct {
	ID          int64
	Name        string
	Description string
	IsDefault   bool
	// StoreNTHash keeps an NT hash beside every new password of the
	// group's members (for MS-CHAP), as the server-wide setting does for all.
	StoreNTHash bool
	Created     time.Time
	Modified    time.Time
}

// AcctField names one writable column of radacct, in the wire format's
// vocabulary (see AcctFieldColumns).
type AcctField int

// The writable radacct fields, in the order of the wire format.
const (
	AcctSessionID AcctField = iota
	AcctUniqueID
	AcctUsername
	AcctGroupname
	AcctRealm
	AcctNASIPAddress
	AcctNASPortID
	AcctNASPortType
	AcctStartTime
	AcctUpdateTime
	AcctStopTime
	AcctInterval
	AcctSessionTime
	AcctAuthentication
	AcctConnectInfoStart
	AcctConnectInfoStop
	AcctInputOctets
	AcctOutputOctets
	AcctCalledStationID
	AcctCallingStationID
	AcctTerminateCause
	AcctServiceType
	AcctFramedProtocol
	AcctFramedIPAddress
	AcctFramedIPv6Address
	AcctFramedIPv6Prefix
	AcctFramedInterfaceID
	AcctDelegatedIPv6Prefix
	NumAcctFields
)

// AcctFieldColumns maps each AcctField to its radacct column.
var AcctFieldColumns = [NumAcctFields]string{
	AcctSessionID:           "acctsessionid",
	AcctUniqueID:            "acctuniqueid",
	AcctUsername:            "username",
	AcctGroupname:           "groupname",
	AcctRealm:               "realm",
	AcctNASIPAddress:        "nasipaddress",
	AcctNASPortID:           "nasportid",
	AcctNASPortType:         "nasporttype",
	AcctStartTime:           "acctstarttime",
	AcctUpdateTime:          "acctupdatetime",
	AcctStopTime:            "acctstoptime",
	AcctInterval:            "acctinterval",
	AcctSessionTime:         "acctsessiontime",
	AcctAuthentication:      "acctauthentic",
	AcctConnectInfoStart:    "connectinfo_start",
	AcctConnectInfoStop:     "connectinfo_stop",
	AcctInputOctets:         "acctinputoctets",
	AcctOutputOctets:        "acctoutputoctets",
	AcctCalledStationID:     "calledstationid",
	AcctCallingStationID:    "callingstationid",
	AcctTerminateCause:      "acctterminatecause",
	AcctServiceType:         "servicetype",
	AcctFramedProtocol:      "framedprotocol",
	AcctFramedIPAddress:     "framedipaddress",
	AcctFramedIPv6Address:   "framedipv6address",
	AcctFramedIPv6Prefix:    "framedipv6prefix",
	AcctFramedInterfaceID:   "framedinterfaceid",
	AcctDelegatedIPv6Prefix: "delegatedipv6prefix",
}

// AcctSession is one radacct row.
type AcctSession struct {
	ID                  int64
	SessionID           string
	UniqueID            string
	Username            *string
	Groupname           *string
	Realm               *string
	NASIPAddress        string
	NASPortID           *string
	NASPortType         *string
	StartTime           *time.Time
	UpdateTime          *time.Time
	StopTime            *time.Time
	Interval            *int64
	SessionTime         *int64
	Authentication      *string
	ConnectInfoStart    *string
	ConnectInfoStop     *string
	InputOctets         *int64
	OutputOctets        *int64
	CalledStationID     *string
	CallingStationID    *string
	TerminateCause      *string
	ServiceType         *string
	FramedProtocol      *string
	FramedIPAddress     *string
	FramedIPv6Address   *string
	FramedIPv6Prefix    *string
	FramedInterfaceID   *string
	DelegatedIPv6Prefix *string
}

// AcctWrite is one accounting packet to store: an upsert keyed on UniqueID.
//
// Insert holds the full row used when unique_id is new (absent fields are
// nil: NULL; defaults such as 0 counters and start_time are already filled in
// by the caller). Update lists the fields to overwrite when the row exists;
// fields not listed keep their stored values. Both use the same values.
type AcctWrite struct {
	UniqueID string
	// Values holds every field's value: nil (NULL), string, int64 or time.Time.
	Values [NumAcctFields]any
	// Update marks the fields an existing row takes from Values.
	Update [NumAcctFields]bool
	// AutoGroup, when set, fills groupname on insert from the user's radius
	// group of lowest priority (radusergroup), if the user has one.
	AutoGroup bool
	// OnlyIfOpen leaves an existing row untouched when it already has a
	// stop time: an Interim-Update never re-opens or rewinds a stopped
	// session. created is false then, and nothing is written.
	OnlyIfOpen bool
	// LikelyNew says the row most likely does not exist yet (a Start): a
	// store may try the insert before looking the row up. The outcome is
	// the same either way.
	LikelyNew bool
}

// AcctFilter selects accounting rows for ListAccounting. Empty strings and nil
// pointers mean "no condition".
type AcctFilter struct {
	Username         string
	CalledStationID  string
	CallingStationID string
	StartFrom        *time.Time // acctstarttime >= StartFrom
	StopUntil        *time.Time // acctstoptime <= StopUntil
	IsOpen           *bool      // acctstoptime IS NULL (true) / IS NOT NULL (false)
}

// PostAuth is one radpostauth row.
type PostAuth struct {
	ID               int64
	Username         string
	Password         string
	Reply            string
	CalledStationID  *string
	CallingStationID *string
	AuthDate         time.Time
}

// Batch is a batch user creation (radbatch), its users and its files.
type Batch struct {
	ID             string // UUID, lowercase with dashes
	Name           string
	Strategy       string // "csv" or "prefix"
	Prefix         string
	CSVFileName    string // "" when there is no CSV
	PDFFileName    string // "" when there is no PDF
	ExpirationDate *time.Time
	Created        time.Time
	Modified       time.Time
	UserIDs        []int64
}

// BatchFile is a file kept with a batch: the uploaded CSV or the PDF of
// generated credentials.
type BatchFile struct {
	Name        string
	ContentType string
	Content     []byte
}

// NewBatch is everything CreateBatch writes in one transaction.
type NewBatch struct {
	Batch Batch
	// Users are created with the batch; each joins DefaultGroup with
	// priority 1. Username collisions make the whole batch fail.
	Users []User
	CSV   *BatchFile
	PDF   *BatchFile
}

// Item is one FreeRADIUS check or reply item: radcheck, radreply,
// radgroupcheck or radgroupreply.
type Item struct {
	ID        int64
	Attribute string
	Op        string
	Value     string
}

// GroupPolicy is one group of a user with its items.
type GroupPolicy struct {
	Name     string
	Priority int
	Check    []Item
	Reply    []Item
}

// Policy is everything authorize needs about a username besides its
// account: its own check and reply items and its groups in priority order
// (lowest first) with theirs. Inactive radcheck rows and rows whose
// valid_until has passed are left out.
type Policy struct {
	Check  []Item
	Reply  []Item
	Groups []GroupPolicy
}

// Found reports whether the username has any FreeRADIUS row at all.
func (p *Policy) Found() bool { return len(p.Check) > 0 || len(p.Reply) > 0 || len(p.Groups) > 0 }

// Subject is what authorize reads about a username, in one round trip:
// its account, when it has one, and its policy.
type Subject struct {
	// User holds the fields authorize uses: ID, Username, Password,
	// IsActive, ExpiresAt and NTHash; the others are zero.
	User    User
	HasUser bool
	Policy  Policy
	// RadiusToken reports whether the candidate token given to Subject is
	// the user's radius token (false when none was given).
	RadiusToken bool
}

// Usage sums a user's sessions since an instant.
type Usage struct {
	// Seconds counts only the part of each session after the instant, as
	// FreeRADIUS's sqlcounter does: whole seconds, each instant rounded
	// down; a session without a start time counts 0 after a non-zero instant.
	Seconds int64
	// Octets counts input plus output octets of every session that ended
	// after the instant or is still open.
	Octets int64
}

// Tokens are the two per-user tokens of the token endpoints.
type Tokens struct {
	AuthKey   string // REST API token (authtoken_token), 40 hex characters
	RadiusKey string // radius user token, usable once as a password
}

// Store is implemented by every database backend. Methods take ctx first and
// return ErrNotFound / ErrAlreadyExists (wrapped) at the boundary.
type Store interface {
	AdminTokenStore
	AdminStore

	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error

	// Migrate applies pending migrations and returns how many ran. A database
	// with a newer schema returns ErrSchemaTooNew.
	Migrate(ctx context.Context) (int, error)
	// SchemaVersion returns the applied and the latest known schema versions.
	SchemaVersion(ctx context.Context) (applied, latest int, err error)

	// Setting returns a named server setting kept in the database
	// (ErrNotFound if unset); PutSetting stores one.
	Setting(ctx context.Context, name string) (string, error)
	PutSetting(ctx context.Context, name, value string) error

	// CreateUser inserts u (u.ID is set) and adds it to the default radius
	// group, or to groups when given (priority in the given order, from 1).
	CreateUser(ctx context.Context, u *User, groups ...string) error
	// UserByUsername looks up a user by exact (case-sensitive) name.
	UserByUsername(ctx context.Context, username string) (User, error)
	// ListUsers returns every user ordered by username.
	ListUsers(ctx context.Context) ([]User, error)
	// SetPassword replaces a user's encoded password and its NT hash ("":
	// none) in one write.
	SetPassword(ctx context.Context, username, encoded, ntHash string) error
	// SetActive enables or disables a user.
	SetActive(ctx context.Context, username string, active bool) error
	// DeleteUser removes a user with its tokens, memberships, batch links and
	// the radcheck/radreply/radusergroup rows of that username.
	DeleteUser(ctx context.Context, username string) error
	// UsernamesWithPrefix returns every username that starts with prefix.
	UsernamesWithPrefix(ctx context.Context, prefix string) ([]string, error)

	// Groups returns the radius groups ordered by name.
	Groups(ctx context.Context) ([]RadiusGroup, error)
	// DefaultGroup returns the group new users join.
	DefaultGroup(ctx context.Context) (RadiusGroup, error)
	// UserGroups returns the groupnames of a username, lowest priority first.
	UserGroups(ctx context.Context, username string) ([]string, error)

	// ConsumeRadiusToken deletes the user's radius token if it equals key
	// and reports whether it did. CheckRadiusToken only compares.
	ConsumeRadiusToken(ctx context.Context, userID int64, key string) (bool, error)
	CheckRadiusToken(ctx context.Context, userID int64, key string) (bool, error)
	// EnsureTokens returns the user's auth token and radius token, creating
	// whichever is missing with newKey.
	EnsureTokens(ctx context.Context, userID int64, newAuthKey, newRadiusKey func() string) (Tokens, error)
	// UserByAuthToken finds the user owning a REST API token.
	UserByAuthToken(ctx context.Context, key string) (User, error)

	// WriteAccounting upserts one radacct row by unique_id in one atomic
	// statement or transaction; created reports an insert.
	WriteAccounting(ctx context.Context, w *AcctWrite) (created bool, err error)
	// ListAccounting returns the rows matching f, newest acctstarttime first
	// (then highest radacctid), skipping offset rows, at most limit rows.
	ListAccounting(ctx context.Context, f AcctFilter, offset, limit int) ([]AcctSession, error)
	// CountAccounting counts the rows matching f.
	CountAccounting(ctx context.Context, f AcctFilter) (int, error)

	// CreatePostAuth inserts one radpostauth row (p.ID is set). Values longer
	// than their columns must already be truncated by the caller.
	CreatePostAuth(ctx context.Context, p *PostAuth) error
	// PostAuthLog returns the newest radpostauth rows, newest first.
	PostAuthLog(ctx context.Context, limit int) ([]PostAuth, error)

	// CreateBatch writes a batch, its users, their default-group membership
	// and its files in one transaction: all or nothing. A taken batch name or
	// username returns ErrAlreadyExists.
	CreateBatch(ctx context.Context, nb *NewBatch) error
	// BatchByID returns a batch with its user ids; BatchByName finds one by
	// its unique name.
	BatchByID(ctx context.Context, id string) (Batch, error)
	BatchByName(ctx context.Context, name string) (Batch, error)
	// BatchFile returns a batch's file by kind ("csv" or "pdf").
	BatchFile(ctx context.Context, batchID, kind string) (BatchFile, error)
	// UsersByIDs returns the users with these ids, ordered by id.
	UsersByIDs(ctx context.Context, ids []int64) ([]User, error)

	// PolicyFor reads the check and reply items of a username and of its
	// groups, in as few round trips as the dialect allows (authorize's hot
	// path). now decides which radcheck rows are still valid.
	PolicyFor(ctx context.Context, username string, now time.Time) (Policy, error)
	// Subject reads a username's account (if any) and its policy together,
	// in one round trip; when token is not "", the same round trip also
	// compares it with the user's radius token.
	Subject(ctx context.Context, username, token string, now time.Time) (Subject, error)
	// UsageSince sums a username's sessions since an instant; a zero since
	// sums them all.
	UsageSince(ctx context.Context, username string, since time.Time) (Usage, error)
	// OpenSessions counts a username's sessions without a stop time, leaving
	// out those of callingStationID when it is not "".
	OpenSessions(ctx context.Context, username, callingStationID string) (int, error)
	// CloseNASSessions stops every open session of a NAS (Accounting-On/Off):
	// stop time and update time at, session time up to at, the terminate
	// cause given. It returns how many it closed.
	CloseNASSessions(ctx context.Context, nasIP string, at time.Time, cause string) (int64, error)
	// CloseStaleSessions stops open sessions whose last sign of life
	// (update time, else start time) is before olderThan: stop time = that
	// last sign, session time up to it, the terminate cause given.
	CloseStaleSessions(ctx context.Context, olderThan time.Time, cause string) (int64, error)

	// AddCheck, AddReply, AddGroupCheck and AddGroupReply insert one item
	// (linked to the user or group when one has that name); it.ID is set,
	// and it.Op when empty (":=" for check items, "=" for reply items).
	AddCheck(ctx context.Context, username string, it *Item) error
	AddReply(ctx context.Context, username string, it *Item) error
	AddGroupCheck(ctx context.Context, groupname string, it *Item) error
	AddGroupReply(ctx context.Context, groupname string, it *Item) error
	// CreateGroup adds a radius group (ErrAlreadyExists when the name is
	// taken, or when g.IsDefault and a default group exists).
	CreateGroup(ctx context.Context, g *RadiusGroup) error
	// SetGroupStoreNTHash turns a group's NT-hash opt-in on or off.
	SetGroupStoreNTHash(ctx context.Context, groupname string, on bool) error
	// AddUserGroup puts a username in a group with a priority.
	AddUserGroup(ctx context.Context, username, groupname string, priority int) error
}

// Storable reports whether every database can hold s as text: valid UTF-8
// without NUL bytes. PostgreSQL refuses anything else, MySQL in strict mode
// refuses invalid UTF-8; callers check outside input with it so that such
// text is a caller's mistake, never a database error.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
