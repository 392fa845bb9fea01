package djimport

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// Options tunes an import.
type Options struct {
	// TimeZone decides when a batch's expiration date ends: its users may
	// log in through that whole day in this zone. nil means UTC.
	TimeZone *time.Location
	// BatchSize is the number of rows written per transaction (default 500).
	BatchSize int
}

// Count is what happened to the rows of one table.
type Count struct {
	Table    string // as named in the report: mostly the source table's name
	Read     int
	Inserted int
}

// Present is the number of rows that were already in goradius.
func (c Count) Present() int { return c.Read - c.Inserted }

// Report is the outcome of an import, one Count per table in import order.
type Report struct {
	Counts []Count
	// DefaultGroup is the source's default radius group, now goradius's
	// ("" when the source has none).
	DefaultGroup string
}

// Inserted sums the rows inserted in every table.
func (r Report) Inserted() int {
	n := 0
	for _, c := range r.Counts {
		n += c.Inserted
	}
	return n
}

// Count returns the count of a table by its report name.
func (r Report) Count(table string) (Count, bool) {
	for _, c := range r.Counts {
		if c.Table == table {
			return c, true
		}
	}
	return Count{}, false
}

// Write prints the report, one line per table.
func (r Report) Write(w io.Writer) error {
	for _, c := range r.Counts {
		if _, err := fmt.Fprintf(w, "%s: %d read, %d imported, %d already present\n",
			c.Table, c.Read, c.Inserted, c.Present()); err != nil {
			return err
		}
	}
	return nil
}

// Table names of the report, in import order.
const (
	TableGroups        = "radius groups"
	TableUsers         = "users"
	TableRadcheck      = "radcheck"
	TableRadreply      = "radreply"
	TableRadgroupcheck = "radgroupcheck"
	TableRadgroupreply = "radgroupreply"
	TableRadusergroup  = "radusergroup"
	TableNAS           = "nas"
	TableRadiusToken   = "radiustoken"
	TableAuthToken     = "authtoken"
	TableRadbatch      = "radbatch"
	TableRadbatchUsers = "radbatch_users"
	TableRadacct       = "radacct"
	TableRadpostauth   = "radpostauth"
)

const defaultBatchSize = 500

// importer reads one source and writes into one target.
type importer struct {
	src  *Source
	q    *sql.Tx // the source's read snapshot
	dst  store.Importer
	opts Options

	// Source ids and UUIDs resolved to names.
	usernames  map[int64]string
	batchNames map[string]string // batch UUID -> name
	// expires holds the end of the earliest batch expiration of a user.
	expires map[int64]time.Time

	report Report
}

// Import reads every django-freeradius table of src and writes its rows
// into dst, in dependency order (groups and users before what refers to
// them). The source is read in one read-only transaction, so the import
// sees a consistent snapshot of a live database. Rows already present in
// goradius are left as they are; the report says how many of each table
// were read and inserted. An error stops the import: the batches already
// committed stay, and running it again completes it.
func Import(ctx context.Context, src *Source, dst store.Importer, opts Options) (Report, error) {
	if opts.TimeZone == nil {
		opts.TimeZone = time.UTC
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = defaultBatchSize
	}
	txOpts := &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	if src.dialect == "sqlite" {
		txOpts = nil // one read transaction is a snapshot already; the file is read-only
	}
	tx, err := src.db.BeginTx(ctx, txOpts)
	if err != nil {
		return Report{}, fmt.Errorf("starting a read transaction on the source: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only

	im := &importer{src: src, q: tx, dst: dst, opts: opts,
		usernames: map[int64]string{}, batchNames: map[string]string{}, expires: map[int64]time.Time{}}
	steps := []func(context.Context) error{
		im.groups,
		im.batchExpirations,
		im.users,
		im.items(TableRadcheck, store.RadCheck),
		im.items(TableRadreply, store.RadReply),
		im.items(TableRadgroupcheck, store.RadGroupCheck),
		im.items(TableRadgroupreply, store.RadGroupReply),
		im.memberships,
		im.nas,
		im.tokens(TableRadiusToken, "radiustoken", store.RadiusTokenKind),
		im.tokens(TableAuthToken, "authtoken_token", store.AuthTokenKind),
		im.batches,
		im.batchUsers,
		im.accounting,
		im.postAuth,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return im.report, err
		}
	}
	return im.report, nil
}

// flusher collects rows of one table and writes them batchSize at a time.
type flusher[T any] struct {
	im    *importer
	idx   int // of the table's Count in im.report
	rows  []T
	write func(context.Context, []T) ([]bool, error)
}

func newFlusher[T any](im *importer, table string, write func(context.Context, []T) ([]bool, error)) *flusher[T] {
	im.report.Counts = append(im.report.Counts, Count{Table: table})
	return &flusher[T]{im: im, idx: len(im.report.Counts) - 1, write: write}
}

func (f *flusher[T]) count() *Count { return &f.im.report.Counts[f.idx] }

func (f *flusher[T]) add(ctx context.Context, row T) error {
	f.rows = append(f.rows, row)
	f.count().Read++
	if len(f.rows) >= f.im.opts.BatchSize {
		return f.flush(ctx)
	}
	return nil
}

func (f *flusher[T]) flush(ctx context.Context) error {
	if len(f.rows) == 0 {
		return nil
	}
	inserted, err := f.write(ctx, f.rows)
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.count().Table, err)
	}
	for _, ok := range inserted {
		if ok {
			f.count().Inserted++
		}
	}
	f.rows = f.rows[:0]
	return nil
}

// groups imports django_freeradius_radiusgroup. They are few: one batch,
// so the default group is decided once.
func (im *importer) groups(ctx context.Context) error {
	var groups []store.RadiusGroup
	err := each(ctx, im.q, "django_freeradius_radiusgroup",
		`SELECT name, description, "default", created, modified FROM django_freeradius_radiusgroup ORDER BY name`,
		func(r *sql.Rows) error {
			var (
				g                 store.RadiusGroup
				desc              sql.NullString
				created, modified timeValue
			)
			if err := r.Scan(&g.Name, &desc, &g.IsDefault, &created, &modified); err != nil {
				return err
			}
			g.Description, g.Created, g.Modified = desc.String, created.t, modified.t
			if g.IsDefault {
				if im.report.DefaultGroup != "" {
					return fmt.Errorf("both %q and %q are marked default", im.report.DefaultGroup, g.Name)
				}
				im.report.DefaultGroup = g.Name
			}
			groups = append(groups, g)
			return nil
		})
	if err != nil {
		return err
	}
	f := newFlusher(im, TableGroups, im.dst.ImportGroups)
	f.rows = groups
	f.count().Read = len(groups)
	return f.flush(ctx)
}

// batchExpirations reads which users belong to a batch with an expiration
// date, before the users are written: a user of several batches expires
// with the earliest (django-freeradius deactivates the users of any
// expired batch).
func (im *importer) batchExpirations(ctx context.Context) error {
	return each(ctx, im.q, "radbatch_users",
		`SELECT u.user_id, b.expiration_date FROM radbatch_users u JOIN radbatch b ON b.id = u.radiusbatch_id
WHERE b.expiration_date IS NOT NULL`,
		func(r *sql.Rows) error {
			var (
				uid  int64
				date timeValue
			)
			if err := r.Scan(&uid, &date); err != nil {
				return err
			}
			d := date.t
			// Valid through the whole day in the operator's zone.
			end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, im.opts.TimeZone)
			if old, ok := im.expires[uid]; !ok || end.Before(old) {
				im.expires[uid] = end
			}
			return nil
		})
}

func (im *importer) users(ctx context.Context) error {
	f := newFlusher(im, TableUsers, im.dst.ImportUsers)
	err := each(ctx, im.q, "auth_user",
		`SELECT id, username, password, email, first_name, last_name, is_active, is_staff, is_superuser,
	last_login, date_joined FROM auth_user ORDER BY id`,
		func(r *sql.Rows) error {
			var (
				u                  store.User
				lastLogin, joined  timeValue
				email, first, last sql.NullString
			)
			if err := r.Scan(&u.ID, &u.Username, &u.Password, &email, &first, &last,
				&u.IsActive, &u.IsStaff, &u.IsSuperuser, &lastLogin, &joined); err != nil {
				return err
			}
			u.Email, u.FirstName, u.LastName = email.String, first.String, last.String
			u.LastLogin, u.DateJoined = lastLogin.ptr(), joined.t
			if end, ok := im.expires[u.ID]; ok {
				u.ExpiresAt = &end
			}
			im.usernames[u.ID] = u.Username
			return f.add(ctx, u)
		})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}

// items imports one of the four item tables, rows in id order.
func (im *importer) items(report string, table store.ItemTable) func(context.Context) error {
	return func(ctx context.Context) error {
		f := newFlusher(im, report, func(ctx context.Context, rows []store.ImportItem) ([]bool, error) {
			return im.dst.ImportItems(ctx, table, rows)
		})
		nameCol, extra := "username", ", is_active, valid_until, notes"
		if table == store.RadGroupCheck || table == store.RadGroupReply {
			nameCol = "groupname"
		}
		if table != store.RadCheck {
			extra = ""
		}
		query := fmt.Sprintf(`SELECT %s, attribute, op, value, created, modified%s FROM %s ORDER BY id`, nameCol, extra, table)
		err := each(ctx, im.q, string(table), query, func(r *sql.Rows) error {
			var (
				it                store.ImportItem
				created, modified timeValue
				validUntil        timeValue
				notes             sql.NullString
			)
			dest := []any{&it.Name, &it.Attribute, &it.Op, &it.Value, &created, &modified}
			if extra != "" {
				dest = append(dest, &it.IsActive, &validUntil, &notes)
			}
			if err := r.Scan(dest...); err != nil {
				return err
			}
			it.Created, it.Modified = created.t, modified.t
			if extra != "" {
				it.ValidUntil, it.Notes = validUntil.ptr(), strPtr(notes)
			}
			return f.add(ctx, it)
		})
		if err != nil {
			return err
		}
		return f.flush(ctx)
	}
}

// memberships imports radusergroup by its username and groupname columns,
// which FreeRADIUS reads (django-freeradius keeps them equal to the linked
// user's and group's names).
func (im *importer) memberships(ctx context.Context) error {
	f := newFlusher(im, TableRadusergroup, im.dst.ImportMemberships)
	err := each(ctx, im.q, "radusergroup",
		`SELECT username, groupname, priority, created, modified FROM radusergroup ORDER BY id`,
		func(r *sql.Rows) error {
			var (
				m                 store.ImportMembership
				created, modified timeValue
			)
			if err := r.Scan(&m.Username, &m.Groupname, &m.Priority, &created, &modified); err != nil {
				return err
			}
			m.Created, m.Modified = created.t, modified.t
			return f.add(ctx, m)
		})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}

func (im *importer) nas(ctx context.Context) error {
	f := newFlusher(im, TableNAS, im.dst.ImportNAS)
	err := each(ctx, im.q, "nas",
		`SELECT nasname, shortname, type, ports, secret, server, community, description, created, modified
FROM nas ORDER BY id`,
		func(r *sql.Rows) error {
			var (
				n                         store.NAS
				short, server, comm, desc sql.NullString
				ports                     sql.NullInt64
				created, modified         timeValue
			)
			if err := r.Scan(&n.Name, &short, &n.Type, &ports, &n.Secret, &server, &comm, &desc, &created, &modified); err != nil {
				return err
			}
			n.ShortName, n.Ports, n.Server, n.Community, n.Description =
				strPtr(short), int64Ptr(ports), strPtr(server), strPtr(comm), strPtr(desc)
			n.Created, n.Modified = created.t, modified.t
			return f.add(ctx, n)
		})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}

// username returns the username of a source user id.
func (im *importer) username(id int64) (string, error) {
	n, ok := im.usernames[id]
	if !ok {
		return "", fmt.Errorf("user id %d is not in auth_user", id)
	}
	return n, nil
}

func (im *importer) tokens(report, table string, kind store.TokenKind) func(context.Context) error {
	return func(ctx context.Context) error {
		f := newFlusher(im, report, func(ctx context.Context, rows []store.ImportToken) ([]bool, error) {
			return im.dst.ImportTokens(ctx, kind, rows)
		})
		err := each(ctx, im.q, table, `SELECT "key", user_id, created FROM `+table+` ORDER BY user_id`,
			func(r *sql.Rows) error {
				var (
					t       store.ImportToken
					uid     int64
					created timeValue
				)
				if err := r.Scan(&t.Key, &uid, &created); err != nil {
					return err
				}
				name, err := im.username(uid)
				if err != nil {
					return err
				}
				t.Username, t.Created = name, created.t
				return f.add(ctx, t)
			})
		if err != nil {
			return err
		}
		return f.flush(ctx)
	}
}

// batches imports radbatch rows with their file names; the files' content
// is not in django-freeradius's database (it lives in its media storage).
func (im *importer) batches(ctx context.Context) error {
	f := newFlusher(im, TableRadbatch, im.dst.ImportBatches)
	err := each(ctx, im.q, "radbatch",
		`SELECT id, name, strategy, prefix, csvfile, pdf, expiration_date, created, modified FROM radbatch ORDER BY created, name`,
		func(r *sql.Rows) error {
			var (
				b                 store.Batch
				id                uuidValue
				prefix, csv, pdf  sql.NullString
				expiration        timeValue
				created, modified timeValue
			)
			if err := r.Scan(&id, &b.Name, &b.Strategy, &prefix, &csv, &pdf, &expiration, &created, &modified); err != nil {
				return err
			}
			b.ID, b.Prefix, b.CSVFileName, b.PDFFileName = id.s, prefix.String, csv.String, pdf.String
			if expiration.valid {
				d := time.Date(expiration.t.Year(), expiration.t.Month(), expiration.t.Day(), 0, 0, 0, 0, time.UTC)
				b.ExpirationDate = &d
			}
			b.Created, b.Modified = created.t, modified.t
			im.batchNames[id.s] = b.Name
			return f.add(ctx, b)
		})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}

func (im *importer) batchUsers(ctx context.Context) error {
	f := newFlusher(im, TableRadbatchUsers, im.dst.ImportBatchUsers)
	err := each(ctx, im.q, "radbatch_users",
		`SELECT radiusbatch_id, user_id FROM radbatch_users ORDER BY id`,
		func(r *sql.Rows) error {
			var (
				bid uuidValue
				uid int64
			)
			if err := r.Scan(&bid, &uid); err != nil {
				return err
			}
			name, ok := im.batchNames[bid.s]
			if !ok {
				return fmt.Errorf("batch %s is not in radbatch", bid.s)
			}
			username, err := im.username(uid)
			if err != nil {
				return err
			}
			return f.add(ctx, store.ImportBatchUser{BatchName: name, Username: username})
		})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}

// accounting imports radacct: every column, keyed on acctuniqueid (the
// radacctid numbers of goradius are its own).
func (im *importer) accounting(ctx context.Context) error {
	f := newFlusher(im, TableRadacct, im.dst.ImportAccounting)
	query := `SELECT acctsessionid, acctuniqueid, username, groupname, realm, ` + im.src.ipColumn("nasipaddress") + `,
	nasportid, nasporttype, acctstarttime, acctupdatetime, acctstoptime, acctinterval, acctsessiontime,
	acctauthentic, connectinfo_start, connectinfo_stop, acctinputoctets, acctoutputoctets,
	calledstationid, callingstationid, acctterminatecause, servicetype, framedprotocol,
	` + im.src.ipColumn("framedipaddress") + `, ` + im.src.ipColumn("framedipv6address") + `,
	framedipv6prefix, framedinterfaceid, delegatedipv6prefix
FROM radacct ORDER BY radacctid`
	err := each(ctx, im.q, "radacct", query, func(r *sql.Rows) error {
		var (
			a                                                    store.AcctSession
			user, group, realm, portID, portType, auth           sql.NullString
			infoStart, infoStop, called, calling, cause, service sql.NullString
			proto, ip, ip6, prefix6, ifID, delegated             sql.NullString
			start, update, stop                                  timeValue
			interval, sessionTime, in, out                       sql.NullInt64
		)
		if err := r.Scan(&a.SessionID, &a.UniqueID, &user, &group, &realm, &a.NASIPAddress,
			&portID, &portType, &start, &update, &stop, &interval, &sessionTime,
			&auth, &infoStart, &infoStop, &in, &out,
			&called, &calling, &cause, &service, &proto,
			&ip, &ip6, &prefix6, &ifID, &delegated); err != nil {
			return err
		}
		a.Username, a.Groupname, a.Realm = strPtr(user), strPtr(group), strPtr(realm)
		a.NASPortID, a.NASPortType = strPtr(portID), strPtr(portType)
		a.StartTime, a.UpdateTime, a.StopTime = start.ptr(), update.ptr(), stop.ptr()
		a.Interval, a.SessionTime = int64Ptr(interval), int64Ptr(sessionTime)
		a.Authentication, a.ConnectInfoStart, a.ConnectInfoStop = strPtr(auth), strPtr(infoStart), strPtr(infoStop)
		a.InputOctets, a.OutputOctets = int64Ptr(in), int64Ptr(out)
		a.CalledStationID, a.CallingStationID = strPtr(called), strPtr(calling)
		a.TerminateCause, a.ServiceType, a.FramedProtocol = strPtr(cause), strPtr(service), strPtr(proto)
		a.FramedIPAddress, a.FramedIPv6Address = strPtr(ip), strPtr(ip6)
		a.FramedIPv6Prefix, a.FramedInterfaceID, a.DelegatedIPv6Prefix = strPtr(prefix6), strPtr(ifID), strPtr(delegated)
		return f.add(ctx, a)
	})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}

func (im *importer) postAuth(ctx context.Context) error {
	f := newFlusher(im, TableRadpostauth, im.dst.ImportPostAuth)
	err := each(ctx, im.q, "radpostauth",
		`SELECT username, pass, reply, calledstationid, callingstationid, authdate FROM radpostauth ORDER BY id`,
		func(r *sql.Rows) error {
			var (
				p               store.PostAuth
				called, calling sql.NullString
				at              timeValue
			)
			if err := r.Scan(&p.Username, &p.Password, &p.Reply, &called, &calling, &at); err != nil {
				return err
			}
			p.CalledStationID, p.CallingStationID, p.AuthDate = strPtr(called), strPtr(calling), at.t
			return f.add(ctx, p)
		})
	if err != nil {
		return err
	}
	return f.flush(ctx)
}
