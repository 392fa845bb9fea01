package main

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// pbkdf2Iterations is Django 3.2's PBKDF2-SHA256 count, goradius's default.
const pbkdf2Iterations = 260000

// djangoPBKDF2 encodes password as Django's pbkdf2_sha256 hasher does:
// pbkdf2_sha256$<iterations>$<22 random letters and digits>$<base64 key>.
func djangoPBKDF2(password string, iterations int) (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	salt := make([]byte, 22)
	for i := range salt {
		var b [1]byte
		for {
			if _, err := rand.Read(b[:]); err != nil {
				return "", err
			}
			if int(b[0]) < 256-256%len(alphabet) { // no modulo bias
				break
			}
		}
		salt[i] = alphabet[int(b[0])%len(alphabet)]
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	return "pbkdf2_sha256$" + strconv.Itoa(iterations) + "$" + string(salt) + "$" +
		base64.StdEncoding.EncodeToString(key), nil
}

// limitPBKDF2Rate measures the machine's raw PBKDF2-SHA256 rate at
// pbkdf2Iterations with crypto/pbkdf2, one goroutine per core.
func limitPBKDF2Rate(ctx context.Context, warmup, d time.Duration) (*loadResult, error) {
	return closedLoop(ctx, loopOptions{concurrency: runtime.NumCPU(), warmup: warmup, duration: d},
		func(i int) func(context.Context) error {
			salt := []byte("bench-salt-" + strconv.Itoa(i))
			return func(context.Context) error {
				_, err := pbkdf2.Key(sha256.New, benchPassword, salt, pbkdf2Iterations, sha256.Size)
				return err
			}
		})
}

// bareHandler answers like goradius answers authorize for an unknown user:
// 200, Content-Length: 0, no Content-Type, an X-Request-Id of 16 hex
// digits (and the Date header net/http adds), after reading the body.
func bareHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h := w.Header()
	h.Set("Content-Length", "0")
	h.Set("X-Request-Id", "0123456789abcdef")
	w.WriteHeader(http.StatusOK)
}

// bareServer serves bareHandler in this process: driven with the
// authorize-unknown workload, it gives the HTTP limit of the machine with
// this generator.
type bareServer struct {
	srv *http.Server
	url string
}

func startBareServer() (*bareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(bareHandler), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &bareServer{srv: srv, url: "http://" + ln.Addr().String()}, nil
}

func (b *bareServer) close() { _ = b.srv.Close() }

func (b *bareServer) run(ctx context.Context, opts loopOptions, e *scenarioEnv) (*loadResult, error) {
	return runHTTP(ctx, httpOptions{loopOptions: opts, baseURL: b.url}, authorizeUnknown(e))
}

// limitTable is the copy of radacct the database limit writes into.
const limitTable = "radacct_limit"

// limitColumns are the columns the database limit writes, those of an
// rlm_rest accounting packet; limitUpdate are the ones an update sets.
var (
	limitColumns = []string{"acctsessionid", "acctuniqueid", "username", "groupname", "realm", "nasipaddress",
		"nasportid", "nasporttype", "acctstarttime", "acctupdatetime", "acctsessiontime", "acctauthentic",
		"acctinputoctets", "acctoutputoctets", "calledstationid", "callingstationid", "acctterminatecause",
		"servicetype", "framedprotocol", "framedipaddress"}
	limitUpdate = []string{"acctsessionid", "username", "realm", "nasipaddress", "nasportid", "nasporttype",
		"acctupdatetime", "acctsessiontime", "acctauthentic", "acctinputoctets", "acctoutputoctets",
		"calledstationid", "callingstationid", "acctterminatecause", "servicetype", "framedprotocol",
		"framedipaddress"}
)

// prepareLimitTable copies radacct, rows and indexes, into limitTable.
func prepareLimitTable(ctx context.Context, db *sql.DB, dialect string) error {
	var stmts []string
	switch dialect {
	case "postgres":
		// Rows first, then the same indexes: faster than inserting into an
		// indexed table.
		stmts = []string{
			"DROP TABLE IF EXISTS " + limitTable,
			"CREATE TABLE " + limitTable + " (LIKE radacct INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
			"INSERT INTO " + limitTable + " SELECT * FROM radacct",
		}
		rows, err := db.QueryContext(ctx, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'radacct'")
		if err != nil {
			return err
		}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				rows.Close()
				return err
			}
			def = strings.Replace(def, "INDEX "+name+" ON ", "INDEX "+limitTable+"_"+strings.TrimPrefix(name, "radacct_")+" ON ", 1)
			def = strings.Replace(def, ".radacct USING", "."+limitTable+" USING", 1)
			def = strings.Replace(def, " radacct USING", " "+limitTable+" USING", 1)
			stmts = append(stmts, def)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		stmts = append(stmts, "ANALYZE "+limitTable)
	case "mysql":
		// The same indexes (CREATE TABLE ... LIKE), dropped while the rows
		// are copied and made again after.
		for _, q := range []string{"DROP TABLE IF EXISTS " + limitTable, "CREATE TABLE " + limitTable + " LIKE radacct"} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		idx, err := secondaryIndexes(ctx, db, dialect, limitTable)
		if err != nil {
			return err
		}
		for _, ix := range idx {
			stmts = append(stmts, ix.drop)
		}
		stmts = append(stmts, "INSERT INTO "+limitTable+" SELECT * FROM radacct")
		for _, ix := range idx {
			stmts = append(stmts, ix.create)
		}
		stmts = append(stmts, "ANALYZE TABLE "+limitTable)
	default:
		return fmt.Errorf("no database limit for %s", dialect)
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// upsertSQL is the single-row upsert of the database limit: the statement
// goradius sends for an accounting packet, without goradius.
func upsertSQL(dialect string) string {
	ph := make([]string, len(limitColumns))
	for i := range ph {
		ph[i] = placeholder(dialect, i+1)
	}
	q := "INSERT INTO " + limitTable + " (" + strings.Join(limitColumns, ", ") + ") VALUES (" + strings.Join(ph, ", ") + ")"
	set := make([]string, len(limitUpdate))
	for i, c := range limitUpdate {
		if dialect == "postgres" {
			set[i] = c + " = EXCLUDED." + c
		} else {
			set[i] = c + " = VALUES(" + c + ")"
		}
	}
	if dialect == "postgres" {
		return q + " ON CONFLICT (acctuniqueid) DO UPDATE SET " + strings.Join(set, ", ") + " RETURNING (xmax = 0)"
	}
	return q + " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
}

// dbLimit runs single-row upserts into limitTable from as many
// connections as workers: new sessions, or updates of the open sessions of
// the data set. On PostgreSQL the bench database has synchronous_commit=on
// whatever the server's default (see backend.create).
type dbLimit struct {
	dialect string
	db      *sql.DB
	stmt    *sql.Stmt
	d       *dataset
	prefix  string
	next    atomic.Uint64 // new sessions made
	nextUpd atomic.Uint64 // updates made
}

func newDBLimit(ctx context.Context, b *backend, d *dataset, nonce string, conns int) (*dbLimit, error) {
	db, err := b.open()
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	stmt, err := db.PrepareContext(ctx, upsertSQL(b.name))
	if err != nil {
		db.Close()
		return nil, err
	}
	return &dbLimit{dialect: b.name, db: db, stmt: stmt, d: d, prefix: "limit-" + nonce + "-"}, nil
}

func (l *dbLimit) close() {
	l.stmt.Close()
	l.db.Close()
}

func (l *dbLimit) run(ctx context.Context, update bool, opts loopOptions) (*loadResult, error) {
	d := l.d
	return closedLoop(ctx, opts, func(i int) func(context.Context) error {
		args := make([]any, len(limitColumns))
		return func(ctx context.Context) error {
			var r acctRow
			var uid string
			now := time.Now().UTC()
			if update {
				if len(d.open) == 0 {
					return errDone
				}
				k := l.nextUpd.Add(1) - 1
				r = d.acct(int(d.open[k%uint64(len(d.open))]))
				uid = r.uniqueID
				r.sessionTime += 300
			} else {
				k := l.next.Add(1) - 1
				r = d.acct(int(k % uint64(max(d.spec.rows, 1))))
				uid = acctUniqueID(l.prefix, k)
				r.start, r.sessionTime = now, 0
			}
			args[0], args[1], args[2], args[3], args[4], args[5] = r.sessionID, uid, r.username, r.groupname, "", r.nasIP.String()
			args[6], args[7], args[8], args[9], args[10], args[11] = r.nasPortID, "Wireless-802.11", r.start, now, r.sessionTime, "RADIUS"
			args[12], args[13], args[14], args[15], args[16] = r.input, r.output, r.calledStation, r.callingStation, ""
			args[17], args[18], args[19] = "Framed-User", "", r.framedIP.String()
			if l.dialect == "postgres" {
				var inserted bool
				err := l.stmt.QueryRowContext(ctx, args...).Scan(&inserted)
				if err == nil && inserted == update {
					err = errors.New("upsert: inserted and updated mixed up")
				}
				return err
			}
			_, err := l.stmt.ExecContext(ctx, args...)
			return err
		}
	})
}
