package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// acceptedForms ends every URL error so the operator sees what would work.
const acceptedForms = "accepted forms: sqlite:PATH (or sqlite:///ABS/PATH), " +
	"postgres://USER:PASS@HOST:PORT/DB?sslmode=disable (or postgresql://), " +
	"mysql://USER:PASS@HOST:PORT/DB"

const (
	// sqliteBusyTimeout is how long a connection waits for another
	// process's lock (a CLI command next to the server) before failing.
	sqliteBusyTimeout = "10000"
	// sqlitePragmas apply to every connection of both pools. WAL lets
	// readers run beside the writer; synchronous=FULL because accounting
	// must survive a power cut.
	sqlitePragmas = "_pragma=busy_timeout(" + sqliteBusyTimeout + ")" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)"
	// sqliteWriterCacheKiB is 6 MB: 16 MB added 17 MB to the server's RSS
	// (60 MB at most) for no measurable gain.
	sqliteWriterCacheKiB = 6144
	// sqliteReaderCacheKiB is 1 MB (2 MB by default): a list reads its
	// filter's ids once a second and then ten rows by primary key, and four
	// 2 MB caches, full after the lists, were a fifth of the RSS the
	// accounting writes then reached.
	sqliteReaderCacheKiB = 1024

	// mysqlSQLMode is set on every MySQL session: strict (over-long values
	// are errors, not silent truncation) and ANSI_QUOTES, so "key" quotes
	// the token tables' key column as in the other dialects.
	mysqlSQLMode = "'STRICT_ALL_TABLES,ANSI_QUOTES,NO_ZERO_IN_DATE,NO_ZERO_DATE," +
		"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

	// defaultServerConns covers FreeRADIUS's rest pool (at most 32 handles
	// in Debian's configuration) plus the API's other clients, so requests
	// never queue for a connection inside goradius (the harness profiled
	// PostgreSQL accounting waiting for one of 20).
	defaultServerConns = 40
)

var (
	// The writer takes the write lock at BEGIN (BEGIN IMMEDIATE), so a
	// read-then-write transaction never fails halfway on a lock upgrade.
	// Its checkpoints run elsewhere (see checkpointer), its temporary
	// tables and statement journals stay in memory, and it caches more of
	// radacct's eleven B-trees than the default 2 MB: page reads were a
	// tenth of the accounting profile.
	// When it starts the WAL over, it truncates a WAL file grown larger
	// than 192 MB (the checkpointer starts it over from 128 MB).
	sqliteWriterParams = sqlitePragmas + "&_txlock=immediate" +
		"&_pragma=wal_autocheckpoint(0)" +
		"&_pragma=journal_size_limit(201326592)" +
		"&_pragma=temp_store(MEMORY)" +
		"&_pragma=cache_size(-" + strconv.Itoa(sqliteWriterCacheKiB) + ")"
	// The readers cannot write by mistake.
	sqliteReaderParams = sqlitePragmas + "&_pragma=query_only(1)&_pragma=cache_size(-" + strconv.Itoa(sqliteReaderCacheKiB) + ")"
)

// target is a parsed database URL.
type target struct {
	d          *dialect
	sqlitePath string
	pg         *pgx.ConnConfig
	my         *mysql.Config
}

// Open connects to the database named by rawURL: sqlite:PATH,
// postgres://... (or postgresql://...) or mysql://.... It checks that the
// database answers but does not migrate it: call Migrate.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	t, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var s *Store
	switch t.d {
	case sqliteDialect:
		s, err = openSQLite(ctx, t.sqlitePath, opts)
		if err != nil {
			return nil, err
		}
	case postgresDialect:
		db := stdlib.OpenDB(*t.pg)
		s = newStore(t.d, db, db, opts)
		s.pgConfig = t.pg
		s.group = newGroupWriter(s)
	case mysqlDialect:
		c, err := mysql.NewConnector(t.my)
		if err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
		db := sql.OpenDB(c)
		s = newStore(t.d, db, db, opts)
	}
	if t.d != sqliteDialect {
		n := opts.MaxOpenConns
		if n <= 0 {
			n = defaultServerConns
		}
		s.writer.SetMaxOpenConns(n)
		s.writer.SetMaxIdleConns(n)
		s.writer.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(rawURL), err)
	}
	return s, nil
}

func openSQLite(ctx context.Context, path string, opts Options) (*Store, error) {
	configureSQLiteMemory()
	writer, err := sql.Open("sqlite", path+"?"+sqliteWriterParams)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The writer connects first so the file exists and is in WAL mode
	// before any query_only reader opens it.
	if err := writer.PingContext(ctx); err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", path+"?"+sqliteReaderParams)
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := opts.MaxOpenConns
	if n <= 0 {
		n = max(4, runtime.NumCPU())
	}
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	ckpt, err := sql.Open("sqlite", path+"?"+sqlitePragmas)
	if err != nil {
		_ = writer.Close()
		_ = reader.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s := newStore(sqliteDialect, writer, reader, opts)
	s.group.ckpt.Store(newCheckpointer(ckpt, writer, s.log))
	// Some file systems refuse WAL mode; then every commit syncs itself.
	var mode string
	if err := writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if strings.EqualFold(mode, "wal") {
		s.group.wal.Store(newWALSyncer(path + "-wal"))
	}
	return s, nil
}

// parseURL validates a database URL and turns it into driver settings.
func parseURL(raw string) (target, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" {
		return target{}, fmt.Errorf("database URL has no scheme; %s", acceptedForms)
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3":
		path, err := sqlitePath(rest)
		if err != nil {
			return target{}, err
		}
		return target{d: sqliteDialect, sqlitePath: path}, nil
	case "postgres", "postgresql":
		cfg, err := postgresConfig(raw)
		if err != nil {
			return target{}, err
		}
		return target{d: postgresDialect, pg: cfg}, nil
	case "mysql", "mariadb":
		cfg, err := mysqlConfig(raw)
		if err != nil {
			return target{}, err
		}
		return target{d: mysqlDialect, my: cfg}, nil
	default:
		return target{}, fmt.Errorf("database URL scheme %q is not supported; %s", scheme, acceptedForms)
	}
}

// sqlitePath takes what follows "sqlite:": PATH, //PATH (relative) or
// ///ABS/PATH.
func sqlitePath(rest string) (string, error) {
	path := strings.TrimPrefix(rest, "//")
	switch {
	case path == "":
		return "", fmt.Errorf("sqlite URL has no file path; %s", acceptedForms)
	case strings.ContainsAny(path, "?#"):
		// The driver would read anything after ? as its own parameters.
		return "", fmt.Errorf("sqlite URL %q: the path must not contain ? or # (parameters are not supported); %s", rest, acceptedForms)
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		// Each connection would get its own empty in-memory database.
		return "", fmt.Errorf("sqlite URL %q: in-memory and file: URI databases are not supported, give a file path; %s", rest, acceptedForms)
	}
	return path, nil
}

func postgresConfig(raw string) (*pgx.ConnConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid postgres URL: %w; %s", redactErr(err), acceptedForms)
	}
	if strings.Trim(u.Path, "/") == "" {
		return nil, fmt.Errorf("postgres URL %q has no database name; %s", redact(raw), acceptedForms)
	}
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid postgres URL: %w; %s", err, acceptedForms)
	}
	if _, ok := cfg.RuntimeParams["timezone"]; !ok {
		// Only affects how the server prints times; values are instants.
		cfg.RuntimeParams["timezone"] = "UTC"
	}
	return cfg, nil
}

// mysqlConfig converts mysql://USER:PASS@HOST:PORT/DB?PARAMS into the
// driver's configuration (DSN USER:PASS@tcp(HOST:PORT)/DB?parseTime=true&
// loc=UTC&...). PARAMS are the driver's DSN parameters (tls=true, ...), or
// socket=PATH to connect over a Unix socket.
func mysqlConfig(raw string) (*mysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid mysql URL: %w; %s", redactErr(err), acceptedForms)
	}
	q := u.Query()
	socket := q.Get("socket")
	q.Del("socket")
	if u.Opaque != "" || (u.Host == "" && socket == "") {
		return nil, fmt.Errorf("mysql URL %q has no host; %s", redact(raw), acceptedForms)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, fmt.Errorf("mysql URL %q must name one database after the host; %s", redact(raw), acceptedForms)
	}
	// Let the driver interpret the remaining parameters as in its own DSN.
	cfg, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("invalid mysql URL parameters: %w; %s", err, acceptedForms)
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	if socket != "" {
		cfg.Net, cfg.Addr = "unix", socket
	} else {
		cfg.Net, cfg.Addr = "tcp", u.Host
		if u.Port() == "" {
			cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
		}
	}
	cfg.DBName = db
	// Times are DATETIME(6) holding UTC: read them as UTC, write them as
	// UTC, and make NOW() and friends UTC too.
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Params["sql_mode"] = mysqlSQLMode
	// WriteAccounting tells an insert from an update by the affected rows,
	// which needs the server's default (changed rows, not found rows).
	cfg.ClientFoundRows = false
	return cfg, nil
}

// redact hides a password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// redactErr drops the URL that url.Parse puts into its errors (it may hold
// a password), keeping the reason.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
