package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goradius/goradius/internal/namefilter"
)

// The known-names filter lets Subject answer "unknown" without a query: a
// login of a name that no row of users, radcheck, radreply or radusergroup
// holds (a typo, a device with stale credentials, a scan of random names)
// is a common authorize and cost a query each; the authorize-unknown
// profile on PostgreSQL spent 41% of the server's CPU, and most of the
// database's, in it. The server holds every such username in a Bloom
// filter. Triggers (migration 8) record every new or renamed username,
// whichever program writes it. Before a name the filter lacks is called
// unknown, the store catches up with those records, in one round shared by
// the requests that arrived before it started: a name committed through
// this store before a request arrives is always found, one committed by
// another program once namesFreshness has passed.
//
// On SQLite the triggers append to goradius_names_log, and a round reads
// its new rows. On PostgreSQL they notify the channel goradius_names, which
// the store listens to on a connection of its own; a round sends a marker
// notification and waits for it to come back, after every notification of
// the transactions committed before it.
//
// MySQL asks the database about every name.

const (
	namesChannel = "goradius_names"
	// namesSyncTimeout bounds a round; a round that fails or times out
	// lets its requests ask the database instead.
	namesSyncTimeout = 2 * time.Second
	// namesPruneEvery is how often SQLite's log loses the rows read.
	namesPruneEvery = 10 * time.Minute
	// namesRetry is the pause before the PostgreSQL listener reconnects.
	namesRetry = 2 * time.Second
	// namesFreshness is how recent a finished round must be to answer
	// without another: a round that started less than this before a
	// request arrived, with no write of this process committed since,
	// answers it. A name another program commits may thus be called
	// unknown for at most this long; one committed through this store,
	// never. Under load, rounds then run about once per namesFreshness
	// instead of once per request (on SQLite a round cost more than a
	// third of what it saved). At 1 ms, PostgreSQL's rounds (a
	// notification sent and received) were 8% of the server's CPU under
	// unknown names, and a share of the database's.
	namesFreshness = 5 * time.Millisecond

	qNamesCount = `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM radcheck)
	+ (SELECT count(*) FROM radreply) + (SELECT count(*) FROM radusergroup)`
	qNamesAll = `SELECT username FROM users UNION ALL SELECT username FROM radcheck
UNION ALL SELECT username FROM radreply UNION ALL SELECT username FROM radusergroup`
	qNamesLogLast = `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'goradius_names_log'), 0)`
	qNamesLogNew  = `SELECT seq, username FROM goradius_names_log WHERE seq > ? ORDER BY seq`
	// The newest row stays, so that a reader behind it sees the gap.
	qNamesLogPrune = `DELETE FROM goradius_names_log
WHERE seq <= ? AND seq < (SELECT MAX(seq) FROM goradius_names_log)`
	qNamesMarker = `SELECT set_config('synchronous_commit', 'off', true), pg_notify('goradius_names', ?)`

	// The triggers of migration 8, counted before the filter is trusted.
	namesTriggers          = 8
	qSQLiteNamesTriggers   = `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'goradius\_names\_%' ESCAPE '\'`
	qPostgresNamesTriggers = `SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'goradius\_names\_%' ESCAPE '\'`
)

// namesSchema is the schema version that brings the triggers.
const namesSchema = 8

// NameFilterStats counts the known-names filter's answers.
type NameFilterStats struct {
	// Ready reports whether the filter answers (else every name is
	// looked up).
	Ready bool
	// Names is how many names were added to the current filter.
	Names int64
	// Unknown counts names answered "unknown" without a query; Passed
	// those the filter may hold, looked up in the database.
	Unknown, Passed int64
	// Rounds counts the catch-ups, Rebuilds the complete reads.
	Rounds, Rebuilds int64
}

// finishedRound is when a successful round started and how many writes
// this process had committed then.
type finishedRound struct {
	started time.Time
	writes  int64
}

type knownNames struct {
	s      *Store
	filter atomic.Pointer[namefilter.Filter] // nil: not ready

	// Catch-up rounds: requests wait in waiting for the next round.
	mu      sync.Mutex
	running bool
	waiting []chan error

	// syncMu serialises rounds and rebuilds; last is the newest SQLite
	// log row applied.
	syncMu sync.Mutex
	last   int64
	// done is the last round that succeeded.
	done atomic.Pointer[finishedRound]

	// PostgreSQL: the marker of this process, the markers sent and the
	// markers the listener saw come back.
	id     string
	marker atomic.Int64
	acks   chan int64

	unknown, passed, rounds, rebuilds atomic.Int64

	quit      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// StartNameFilter builds the known-names filter and keeps it current until
// Close, so that Subject answers unknown names without a query (SQLite and
// PostgreSQL; elsewhere it does nothing). It returns once the first build
// is done; if that fails the store keeps asking the database (PostgreSQL
// retries in the background). A server calls it once; the command line's
// short-lived stores do not.
func (s *Store) StartNameFilter(ctx context.Context) error {
	if s.d == mysqlDialect || s.names.Load() != nil {
		return nil
	}
	v, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("known-names filter: %w", err)
	}
	if v < namesSchema {
		return fmt.Errorf("known-names filter: the schema is version %d, the filter needs %d (run goradius migrate)", v, namesSchema)
	}
	q := qSQLiteNamesTriggers
	if s.d == postgresDialect {
		q = qPostgresNamesTriggers
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return fmt.Errorf("known-names filter: %w", err)
	}
	if n != namesTriggers {
		return fmt.Errorf("known-names filter: %d of the %d goradius_names_* triggers are in the database (dropped by hand?); "+
			"without them names added by other programs would go unnoticed", n, namesTriggers)
	}
	k := &knownNames{s: s, quit: make(chan struct{}), acks: make(chan int64, 64)}
	if !s.names.CompareAndSwap(nil, k) {
		return nil // started meanwhile
	}
	if s.d == sqliteDialect {
		k.syncMu.Lock()
		err := k.rebuildSQLite(ctx)
		k.syncMu.Unlock()
		if err != nil {
			return fmt.Errorf("known-names filter: %w", err)
		}
		k.wg.Add(1)
		go k.pruneSQLite()
		return nil
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	k.id = hex.EncodeToString(id[:])
	ready := make(chan error, 1)
	k.wg.Add(1)
	go k.listenPostgres(ready)
	select {
	case err := <-ready:
		if err != nil {
			return fmt.Errorf("known-names filter: %w (retrying in the background)", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NameFilterStats returns the known-names filter's counters; zero when it
// was not started.
func (s *Store) NameFilterStats() NameFilterStats {
	k := s.names.Load()
	if k == nil {
		return NameFilterStats{}
	}
	f := k.filter.Load()
	return NameFilterStats{
		Ready: f != nil, Names: f.Len(),
		Unknown: k.unknown.Load(), Passed: k.passed.Load(),
		Rounds: k.rounds.Load(), Rebuilds: k.rebuilds.Load(),
	}
}

// NameFilterCounts reports the filter for /metrics: whether it answers,
// its names, and its answers (unknown without a query, or looked up).
func (s *Store) NameFilterCounts() (ready bool, names, unknown, lookedUp int64) {
	st := s.NameFilterStats()
	return st.Ready, st.Names, st.Unknown, st.Passed
}

func (k *knownNames) close() {
	k.closeOnce.Do(func() { close(k.quit) })
	k.wg.Wait()
}

// mayExist reports false only for a name no row holds: the filter lacks it
// after a catch-up that started after the call (or less than
// namesFreshness before it, with no write of this process since).
func (k *knownNames) mayExist(ctx context.Context, name string) bool {
	unknown := k.lacks(name)
	if unknown && !k.fresh() {
		unknown = k.catchUp(ctx) == nil && k.lacks(name)
	}
	if unknown {
		k.unknown.Add(1)
	} else {
		k.passed.Add(1)
	}
	return !unknown
}

// lacks reports whether the filter answers and certainly lacks name.
func (k *knownNames) lacks(name string) bool {
	f := k.filter.Load()
	return f != nil && !f.MayContain(name)
}

// fresh reports whether the last successful round may answer for now.
func (k *knownNames) fresh() bool {
	r := k.done.Load()
	return r != nil && time.Since(r.started) < namesFreshness && k.s.writer.execs.Load() == r.writes
}

// catchUp waits for a round that starts after it was called.
func (k *knownNames) catchUp(ctx context.Context) error {
	done := make(chan error, 1)
	k.mu.Lock()
	k.waiting = append(k.waiting, done)
	if !k.running {
		k.running = true
		go k.runRounds()
	}
	k.mu.Unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runRounds runs rounds while requests wait for one.
func (k *knownNames) runRounds() {
	for {
		k.mu.Lock()
		batch := k.waiting
		k.waiting = nil
		if len(batch) == 0 {
			k.running = false
			k.mu.Unlock()
			return
		}
		k.mu.Unlock()
		err := k.round()
		for _, done := range batch {
			done <- err
		}
	}
}

func (k *knownNames) round() error {
	k.rounds.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), namesSyncTimeout)
	defer cancel()
	k.syncMu.Lock()
	defer k.syncMu.Unlock()
	r := &finishedRound{started: time.Now(), writes: k.s.writer.execs.Load()}
	var err error
	if k.s.d == sqliteDialect {
		err = k.syncSQLite(ctx)
	} else {
		err = k.syncPostgres(ctx)
	}
	if err == nil {
		k.done.Store(r)
	}
	return err
}

// fill reads every name into a new filter sized for twice their number,
// through q (one snapshot).
func (k *knownNames) fill(ctx context.Context, q querier) (*namefilter.Filter, error) {
	k.rebuilds.Add(1)
	var n int64
	if err := q.QueryRowContext(ctx, qNamesCount).Scan(&n); err != nil {
		return nil, fmt.Errorf("count names: %w", err)
	}
	f := namefilter.New(int(2 * n))
	rows, err := q.QueryContext(ctx, qNamesAll)
	if err != nil {
		return nil, fmt.Errorf("read names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name sql.NullString
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read names: %w", err)
		}
		f.Add(name.String)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read names: %w", err)
	}
	return f, nil
}

// rebuildSQLite reads every name and the log's position in one read
// transaction. The caller holds syncMu.
func (k *knownNames) rebuildSQLite(ctx context.Context) error {
	k.filter.Store(nil)
	tx, err := k.s.reader.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var last int64
	if err := tx.QueryRowContext(ctx, qNamesLogLast).Scan(&last); err != nil {
		return fmt.Errorf("read the names log: %w", err)
	}
	f, err := k.fill(ctx, tx)
	if err != nil {
		return err
	}
	k.last = last
	k.filter.Store(f)
	return nil
}

// syncSQLite applies the log rows written since the last round. A gap
// (rows another server removed before this one read them) or a full
// filter means reading everything again. The caller holds syncMu.
func (k *knownNames) syncSQLite(ctx context.Context) error {
	f := k.filter.Load()
	if f == nil {
		return k.rebuildSQLite(ctx)
	}
	rows, err := k.s.reader.QueryContext(ctx, qNamesLogNew, k.last)
	if err != nil {
		return fmt.Errorf("read the names log: %w", err)
	}
	gap := false
	for rows.Next() {
		var (
			seq  int64
			name string
		)
		if err := rows.Scan(&seq, &name); err != nil {
			rows.Close()
			return fmt.Errorf("read the names log: %w", err)
		}
		if seq != k.last+1 {
			gap = true
			break
		}
		f.Add(name)
		k.last = seq
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the names log: %w", err)
	}
	if gap || f.Full() {
		return k.rebuildSQLite(ctx)
	}
	return nil
}

// pruneSQLite removes the log rows read, now and then, through the
// writer.
func (k *knownNames) pruneSQLite() {
	defer k.wg.Done()
	t := time.NewTicker(namesPruneEvery)
	defer t.Stop()
	for {
		k.pruneOnce()
		select {
		case <-t.C:
		case <-k.quit:
			return
		}
	}
}

func (k *knownNames) pruneOnce() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k.syncMu.Lock()
	last := k.last
	k.syncMu.Unlock()
	// Past the pool's count of writes: the log's own rows change no name
	// or policy, and need not make the filter's round or cached policies
	// stale.
	if _, err := k.s.writer.DB.ExecContext(ctx, qNamesLogPrune, last); err != nil {
		k.s.log.Warn("could not prune the names log", "err", err)
	}
}

// listenPostgres keeps a listening connection, rebuilding the filter
// whenever it (re)connects or a notification asks for it, until Close. It
// reports the first build on ready.
func (k *knownNames) listenPostgres(ready chan<- error) {
	defer k.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-k.quit
		cancel()
	}()
	first := true
	for {
		err := k.listenOnce(ctx, func(err error) {
			if first {
				ready <- err
				first = false
			}
		})
		k.filter.Store(nil)
		if ctx.Err() != nil {
			return
		}
		k.s.log.Warn("known-names filter: listening for new names failed; looking every name up until it is back",
			"err", err, "retry_in", namesRetry.String())
		select {
		case <-time.After(namesRetry):
		case <-k.quit:
			return
		}
	}
}

// listenOnce connects, listens, builds the filter and applies
// notifications until an error. built is called after the first build.
func (k *knownNames) listenOnce(ctx context.Context, built func(error)) error {
	conn, err := pgx.ConnectConfig(ctx, k.s.pgConfig)
	if err != nil {
		built(err)
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+namesChannel); err != nil {
		built(err)
		return err
	}
	// Listening first: a name committed during the build is in the
	// build's snapshot or in a notification read after it.
	rebuild := func() error {
		k.filter.Store(nil)
		f, err := k.fill(ctx, k.s.reader)
		if err != nil {
			return err
		}
		k.filter.Store(f)
		return nil
	}
	err = rebuild()
	built(err)
	if err != nil {
		return err
	}
	prefix := "sync:" + k.id + ":"
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		switch p := n.Payload; {
		case strings.HasPrefix(p, "name:"):
			if f := k.filter.Load(); f != nil {
				f.Add(p[len("name:"):])
				if f.Full() {
					err = rebuild()
				}
			}
		case strings.HasPrefix(p, prefix):
			if m, perr := strconv.ParseInt(p[len(prefix):], 10, 64); perr == nil {
				select {
				case k.acks <- m:
				default: // nobody waits that long: the round timed out
				}
			}
		case p == "":
			err = rebuild()
		}
		if err != nil {
			return err
		}
	}
}

// syncPostgres sends a marker and waits for the listener to see it: every
// notification of a transaction committed before was seen first. The
// caller holds syncMu.
func (k *knownNames) syncPostgres(ctx context.Context) error {
	m := k.marker.Add(1)
	// A query, not ExecContext: it must not count as a write.
	var setting, notified sql.NullString
	if err := k.s.reader.QueryRowContext(ctx, k.s.q(qNamesMarker), "sync:"+k.id+":"+strconv.FormatInt(m, 10)).Scan(&setting, &notified); err != nil {
		return fmt.Errorf("names marker: %w", err)
	}
	for {
		select {
		case got := <-k.acks:
			if got >= m {
				return nil
			}
		case <-ctx.Done():
			return errors.New("names marker: the listener did not see it in time")
		}
	}
}
