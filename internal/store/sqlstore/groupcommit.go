package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/goradius/goradius/internal/store"
)

// maxGroup bounds how many accounting packets share one commit.
const maxGroup = 256

// groupTimeout bounds one group's transaction.
const groupTimeout = 30 * time.Second

// postgresCommitters is how many groups PostgreSQL commits at once: while
// one waits for its WAL flush, the next one gathers and runs. More make
// smaller groups, and were no faster.
const postgresCommitters = 2

var errClosed = errors.New("store is closed")

// groupWriter commits concurrent accounting writes together. A durable
// commit costs a WAL fsync: one per packet capped SQLite at about 2,100
// requests/s and PostgreSQL at 0.6x of its own single-row upsert rate on the
// 2-core test machine. Packets that arrive while a commit runs wait and
// then share the next transaction, and each caller is answered only after
// that commit: a 2xx still means the row is on disk.
//
// A packet whose statement fails gets its error alone: the transaction is
// rolled back and the others run again without it. Any other failure
// (begin, commit, a lost connection) writes the group's packets one by one,
// so that each gets its own result.
type groupWriter struct {
	s    *Store
	jobs chan *acctJob
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
	// tx writes a group in one transaction and sets each job's created; on
	// error, failed is the index of the packet whose statement failed, or
	// -1 when the group as a whole did.
	tx func(ctx context.Context, group []*acctJob) (failed int, err error)
	// upserts remembers PostgreSQL's statements by shape and size;
	// nUpdates counts SQLite's update statements prepared.
	upserts  sync.Map
	nUpserts atomic.Int32
	nUpdates atomic.Int32
	// SQLite's checkpointer and WAL syncer (see sqliteTx), set by
	// openSQLite and stopped with the writer.
	ckpt atomic.Pointer[checkpointer]
	wal  atomic.Pointer[walSyncer]
}

type acctJob struct {
	ctx     context.Context
	w       *store.AcctWrite
	values  [store.NumAcctFields]any
	created bool // set by tx
	result  chan acctResult
}

type acctResult struct {
	created bool
	err     error
}

func (j *acctJob) answer(created bool, err error) {
	j.result <- acctResult{created: created && err == nil, err: err}
}

func newGroupWriter(s *Store) *groupWriter {
	g := &groupWriter{s: s, jobs: make(chan *acctJob), quit: make(chan struct{})}
	committers := 1
	switch s.d.acctWrite {
	case acctReturningXmax:
		g.tx, committers = g.postgresTx, postgresCommitters
	default:
		g.tx = g.sqliteTx
	}
	for range committers {
		g.wg.Add(1)
		go g.run()
	}
	return g
}

// write queues one packet and waits for the commit that stores it.
func (g *groupWriter) write(ctx context.Context, w *store.AcctWrite, values [store.NumAcctFields]any) (bool, error) {
	j := &acctJob{ctx: ctx, w: w, values: values, result: make(chan acctResult, 1)}
	select {
	case g.jobs <- j:
	case <-ctx.Done():
		return false, ctx.Err()
	case <-g.quit:
		return false, errClosed
	}
	// Once queued, wait whatever ctx says: the row may be committed, and the
	// caller must learn the truth.
	r := <-j.result
	return r.created, r.err
}

func (g *groupWriter) run() {
	defer g.wg.Done()
	for {
		group, ok := nextGroup(g.jobs, g.quit, maxGroup)
		if !ok {
			return
		}
		g.commit(group)
	}
}

// nextGroup waits for a job, then takes those already waiting behind it,
// up to max in all: the group one shared commit writes. It reports false
// once quit is closed.
func nextGroup[J any](jobs <-chan J, quit <-chan struct{}, max int) ([]J, bool) {
	var first J
	select {
	case first = <-jobs:
	case <-quit:
		return nil, false
	}
	group := []J{first}
	for len(group) < max {
		select {
		case j := <-jobs:
			group = append(group, j)
		default:
			return group, true
		}
	}
	return group, true
}

func (g *groupWriter) commit(group []*acctJob) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	pending := make([]*acctJob, 0, len(group))
	for _, j := range group {
		if err := j.ctx.Err(); err != nil {
			j.answer(false, err)
			continue
		}
		pending = append(pending, j)
	}
	for attempt := 1; len(pending) > 0; {
		failed, err := g.tx(ctx, pending)
		switch {
		case err == nil:
			g.committed(pending)
			return
		case g.s.d.isRetryable(err) && attempt < maxTxAttempts:
			attempt++
			g.s.log.Debug("retrying accounting group after deadlock", "packets", len(pending), "attempt", attempt, "err", err)
		case failed >= 0:
			pending[failed].answer(false, err)
			pending = slices.Delete(pending, failed, failed+1)
		default:
			g.s.log.Debug("accounting group failed, writing its packets one by one", "packets", len(pending), "err", err)
			for _, j := range pending {
				g.alone(ctx, j)
			}
			return
		}
	}
}

// alone writes one packet in its own transaction and answers it.
func (g *groupWriter) alone(ctx context.Context, j *acctJob) {
	one := []*acctJob{j}
	for attempt := 1; ; attempt++ {
		_, err := g.tx(ctx, one)
		switch {
		case err == nil:
			g.committed(one)
			return
		case !g.s.d.isRetryable(err) || attempt == maxTxAttempts:
			j.answer(false, err)
			return
		}
	}
}

// committed answers packets whose transaction committed, once it is
// durable: at once, or after the WAL syncer's next fsync.
func (g *groupWriter) committed(jobs []*acctJob) {
	if w := g.wal.Load(); w != nil {
		w.add(jobs)
		return
	}
	for _, j := range jobs {
		j.answer(j.created, nil)
	}
}

// sqliteTx writes a group on SQLite's single writer connection. Its
// statements are prepared before it takes the connection (preparing needs
// it) and reused by every group.
//
// With the WAL syncer, the group commits with synchronous=NORMAL, which
// writes the WAL without the fsync, and the syncer makes it durable before
// its packets are answered: the fsync of one group runs while the next
// group is written, where synchronous=FULL kept the only writer idle for
// it. The connection is back to FULL for every other write.
func (g *groupWriter) sqliteTx(ctx context.Context, group []*acctJob) (failed int, err error) {
	s := g.s
	s.prepareWriter(ctx, qAcctFind)
	// The insert's text depends only on AutoGroup and LikelyNew: build
	// each kind once per group, not once per packet.
	var prepared [2][2]bool
	for _, j := range group {
		a, n := bool2int(j.w.AutoGroup), bool2int(j.w.LikelyNew)
		if prepared[a][n] {
			continue
		}
		prepared[a][n] = true
		query, _ := sqliteInsert(j.w, j.values)
		s.prepareWriter(ctx, query)
	}
	var unprepared []string
	defer func() {
		// An update's columns are known inside the transaction only: its
		// statement is prepared after it, for the next groups. Their
		// number is bounded, so that they never fill the writer's cache.
		for _, q := range unprepared {
			if g.nUpdates.Add(1) <= maxCachedUpdates {
				s.prepareWriter(ctx, q)
			}
		}
	}()
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return -1, err
	}
	defer conn.Close()
	if g.wal.Load() != nil {
		if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
			return -1, err
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL"); err != nil {
				// Never leave the writer less durable than it should be.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return -1, fmt.Errorf("begin transaction: %w", err)
	}
	for i, j := range group {
		created, q, err := s.writeSQLite(ctx, tx, j.w, &j.values)
		if q != "" && !slices.Contains(unprepared, q) {
			unprepared = append(unprepared, q)
		}
		if err != nil {
			_ = tx.Rollback()
			return i, err
		}
		j.created = created
	}
	if err := tx.Commit(); err != nil {
		return -1, fmt.Errorf("commit: %w", err)
	}
	return -1, nil
}

// maxCachedUpdates bounds the SQLite update statements (one per set of
// changed columns) kept prepared.
const maxCachedUpdates = 32

// postgresTx writes a group on PostgreSQL in one implicit transaction of
// one round trip (a pipeline), which the server commits at its end:
// closing the batch waits for that commit. Packets of the same shape share
// one multi-row INSERT ... ON CONFLICT: PostgreSQL opens radacct's eleven
// indexes and starts its executor once per statement, which cost more than
// the rows themselves (a 32-row statement wrote 1.3-1.5x the rows/s of 32
// single-row ones). A failing row fails its statement, so the group is
// then written again packet by packet.
func (g *groupWriter) postgresTx(ctx context.Context, group []*acctJob) (failed int, err error) {
	b := &pgx.Batch{}
	var parts [][]*acctJob
	for _, chunk := range upsertChunks(group) {
		for len(chunk) > 0 {
			// Statements of 1, 2, 4, ... rows only, so that a connection
			// prepares a handful of them, not one per group size.
			n := 1
			for n*2 <= len(chunk) && n*2 <= maxUpsertRows {
				n *= 2
			}
			query, args := g.upsertRows(chunk[:n])
			b.Queue(query, args...)
			parts = append(parts, chunk[:n])
			chunk = chunk[n:]
		}
	}
	conn, err := g.s.writer.DB.Conn(ctx)
	if err != nil {
		return -1, err
	}
	defer conn.Close()
	failed = -1
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected PostgreSQL connection type %T", dc)
		}
		br := c.Conn().SendBatch(ctx, b)
		for _, part := range parts {
			if err := readUpserted(br, part); err != nil {
				// Only the server's answer to a lone packet's own
				// statement is that packet's error.
				var pgErr *pgconn.PgError
				var early pgx.ErrPreprocessingBatch
				if len(group) == 1 && errors.As(err, &pgErr) && !errors.As(err, &early) {
					failed = 0
				}
				_ = br.Close()
				return err
			}
		}
		if err := br.Close(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	})
	return failed, err
}

// maxUpsertRows bounds the rows of one INSERT (each binds up to 31 values).
const maxUpsertRows = 64

// readUpserted reads one statement's RETURNING acctuniqueid, inserted and
// sets each packet's created; packets without a row were left alone.
func readUpserted(br pgx.BatchResults, part []*acctJob) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for _, j := range part {
		j.created = false
	}
	for rows.Next() {
		var uid string
		var inserted bool
		if err := rows.Scan(&uid, &inserted); err != nil {
			return err
		}
		for _, j := range part {
			if j.w.UniqueID == uid {
				j.created = inserted
				break
			}
		}
	}
	return rows.Err()
}

// upsertShape says which statement a packet needs: the columns it updates,
// its conditions and, under AutoGroup, the groupname an update writes
// (bound once per statement).
func upsertShape(w *store.AcctWrite, values [store.NumAcctFields]any) string {
	b := make([]byte, 0, store.NumAcctFields+8)
	for _, u := range w.Update {
		b = append(b, '0'+byte(bool2int(u)))
	}
	b = append(b, '0'+byte(bool2int(w.OnlyIfOpen)), '0'+byte(bool2int(w.AutoGroup)))
	if w.AutoGroup && w.Update[store.AcctGroupname] {
		b = fmt.Appendf(b, "%T:%v", values[store.AcctGroupname], values[store.AcctGroupname])
	}
	return string(b)
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// upsertChunks orders a group by shape, then by unique id (taking the rows'
// locks in one order keeps two groups committing side by side from
// deadlocking), and cuts it into runs of one shape. A run never holds one
// unique id twice: ON CONFLICT cannot update a row twice in one statement.
// Packets of one session keep their order.
func upsertChunks(group []*acctJob) [][]*acctJob {
	shapes := make(map[*acctJob]string, len(group))
	for _, j := range group {
		shapes[j] = upsertShape(j.w, j.values)
	}
	slices.SortStableFunc(group, func(a, b *acctJob) int {
		return cmp.Or(cmp.Compare(shapes[a], shapes[b]), cmp.Compare(a.w.UniqueID, b.w.UniqueID))
	})
	var chunks [][]*acctJob
	start := 0
	for i := 1; i <= len(group); i++ {
		if i == len(group) || shapes[group[i]] != shapes[group[start]] || group[i].w.UniqueID == group[i-1].w.UniqueID {
			chunks = append(chunks, group[start:i])
			start = i
		}
	}
	return chunks
}

// upsertRows returns the INSERT ... ON CONFLICT of packets of one shape,
// with PostgreSQL's bind variables, and its args. An update takes each
// column from the proposed row (EXCLUDED), except an auto-filled groupname:
// it gets the value sent, as a single-row upsert binds it. Under
// OnlyIfOpen a stopped row is left alone and, like DO NOTHING, returns no
// row.
func (g *groupWriter) upsertRows(jobs []*acctJob) (string, []any) {
	w := jobs[0].w
	key := upsertShape(w, jobs[0].values) + "/" + strconv.Itoa(len(jobs))
	var args []any
	for _, j := range jobs {
		for i := range store.NumAcctFields {
			if i == store.AcctGroupname && w.AutoGroup {
				args = append(args, j.values[store.AcctUsername])
			}
			args = append(args, j.values[i])
		}
	}
	autoSet := w.AutoGroup && w.Update[store.AcctGroupname]
	if autoSet {
		args = append(args, jobs[0].values[store.AcctGroupname])
	}
	if q, ok := g.upserts.Load(key); ok {
		return q.(string), args
	}
	var b strings.Builder
	n := 0
	param := func() {
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	b.WriteString("INSERT INTO radacct (")
	b.WriteString(strings.Join(store.AcctFieldColumns[:], ", "))
	b.WriteString(") VALUES ")
	for r := range jobs {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range store.NumAcctFields {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == store.AcctGroupname && w.AutoGroup {
				b.WriteString("COALESCE((SELECT groupname FROM radusergroup WHERE username = ")
				param()
				b.WriteString(" ORDER BY priority, id LIMIT 1), ")
				param()
				b.WriteByte(')')
				continue
			}
			param()
		}
		b.WriteByte(')')
	}
	var set []string
	for i := range store.NumAcctFields {
		if !w.Update[i] || i == store.AcctUniqueID {
			continue
		}
		col := store.AcctFieldColumns[i]
		if i == store.AcctGroupname && autoSet {
			set = append(set, col+" = $"+strconv.Itoa(n+1))
			continue
		}
		set = append(set, col+" = EXCLUDED."+col)
	}
	switch {
	case len(set) == 0:
		b.WriteString(" ON CONFLICT (acctuniqueid) DO NOTHING RETURNING acctuniqueid, true")
	case w.OnlyIfOpen:
		b.WriteString(" ON CONFLICT (acctuniqueid) DO UPDATE SET " + strings.Join(set, ", ") +
			" WHERE radacct.acctstoptime IS NULL RETURNING acctuniqueid, (xmax = 0)")
	default:
		b.WriteString(" ON CONFLICT (acctuniqueid) DO UPDATE SET " + strings.Join(set, ", ") +
			" RETURNING acctuniqueid, (xmax = 0)")
	}
	q := b.String()
	if g.nUpserts.Add(1) <= maxCachedStmts {
		g.upserts.Store(key, q)
	}
	return q, args
}

// close stops the writer after the groups in progress, then the WAL
// syncer (once it has answered them) and the checkpointer.
func (g *groupWriter) close() {
	g.once.Do(func() {
		close(g.quit)
		g.wg.Wait()
		if w := g.wal.Load(); w != nil {
			w.close()
		}
		if c := g.ckpt.Load(); c != nil {
			c.close()
		}
	})
}

// walSyncer makes committed accounting groups durable with an fsync of
// SQLite's WAL file, one for every group committed since the last one,
// then answers their packets. Every commit's frames are written to the
// WAL before the commit returns, so an fsync that starts after it covers
// them. (A checkpoint only ever copies frames already synced, and the WAL
// starts over only once everything in it is in the synced database file.)
type walSyncer struct {
	path    string
	f       *os.File // the WAL file, opened at the first sync
	mu      sync.Mutex
	pending []*acctJob
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

func newWALSyncer(path string) *walSyncer {
	w := &walSyncer{path: path, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// add queues committed packets for the next fsync.
func (w *walSyncer) add(jobs []*acctJob) {
	w.mu.Lock()
	w.pending = append(w.pending, jobs...)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *walSyncer) run() {
	defer close(w.done)
	for {
		select {
		case <-w.wake:
			w.flush()
		case <-w.quit:
			w.flush()
			if w.f != nil {
				_ = w.f.Close()
			}
			return
		}
	}
}

func (w *walSyncer) flush() {
	w.mu.Lock()
	jobs := w.pending
	w.pending = nil
	w.mu.Unlock()
	if len(jobs) == 0 {
		return
	}
	err := w.sync()
	if err != nil {
		// The rows are committed but may not survive a power cut: the
		// NAS is not told they are stored, and sends them again.
		err = fmt.Errorf("sync %s: %w", w.path, err)
	}
	for _, j := range jobs {
		j.answer(j.created, err)
	}
}

// sync fsyncs the WAL file, opened again if it is not the file at path
// any more (SQLite removes the WAL when its last connection closes, and
// another process may then create a new one).
func (w *walSyncer) sync() error {
	if w.f != nil {
		open, err1 := w.f.Stat()
		now, err2 := os.Stat(w.path)
		if err1 != nil || err2 != nil || !os.SameFile(open, now) {
			_ = w.f.Close()
			w.f = nil
		}
	}
	if w.f == nil {
		f, err := os.Open(w.path)
		if err != nil {
			return err
		}
		w.f = f
	}
	if err := w.f.Sync(); err != nil {
		_ = w.f.Close()
		w.f = nil
		return err
	}
	return nil
}

func (w *walSyncer) close() {
	close(w.quit)
	<-w.done
}

// The checkpointer's pace (variables for tests).
var (
	// checkpointEvery is how often the WAL is copied back into the
	// database file, off the writer's commits.
	checkpointEvery = 250 * time.Millisecond
	// walRestartFrames (128 MB of 4 KB pages) is the WAL size from which
	// the checkpointer makes the WAL start over. Under steady writes it
	// never does by itself: the writer reuses the WAL only when a
	// checkpoint has copied all of it, and it has always committed more by
	// the time one ends. Each start-over holds the writer for tens of
	// milliseconds (see checkpoint): 32 MB made it every half second under
	// accounting Starts, and a 92 ms p99.
	walRestartFrames = 32768
)

const (
	// walRestartLeft is how many frames may be written during the last
	// passive checkpoint before the WAL starts over: the writer waits
	// while the frames written since are copied and synced.
	walRestartLeft = 256
	// walCatchUps bounds the passive checkpoints run to get there; the WAL
	// starts over after them anyway.
	walCatchUps = 4
)

// checkpointer copies SQLite's WAL back into the database file from its
// own connection. The writer runs with wal_autocheckpoint=0: the automatic
// checkpoint ran inside the writer's commits (15% of the accounting
// profile), holding every packet of the group behind it.
type checkpointer struct {
	db *sql.DB
	// writer is the single writer connection's pool; the WAL starts over
	// on it (see checkpoint).
	writer        *sql.DB
	log           *slog.Logger
	every         time.Duration
	restartFrames int
	quit          chan struct{}
	done          chan struct{}
}

func newCheckpointer(db, writer *sql.DB, log *slog.Logger) *checkpointer {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	c := &checkpointer{db: db, writer: writer, log: log, every: checkpointEvery, restartFrames: walRestartFrames,
		quit: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-c.quit:
			return
		}
		if err := c.checkpoint(); err != nil {
			c.log.Warn("sqlite checkpoint failed", "err", err)
		}
	}
}

// checkpoint copies what it can without waiting (PASSIVE). When the WAL
// has grown large it copies again until the writer added little during
// the last copy, then starts the WAL over (RESTART) on the writer's own
// connection: the writer waits while the rest is copied and synced, then
// goes on at once. A RESTART from the checkpointer's connection held
// SQLite's write lock instead, and the writer's busy handler slept with
// growing pauses behind it: 80-140 ms each time, a fifth to a third of
// the writer's time under the harness's accounting Starts.
func (c *checkpointer) checkpoint() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var busy, frames, copied int
	passive := func() error {
		return c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	}
	if err := passive(); err != nil {
		return err
	}
	if frames < c.restartFrames {
		return nil
	}
	for range walCatchUps {
		before := frames
		if err := passive(); err != nil {
			return err
		}
		if frames-before <= walRestartLeft {
			break
		}
	}
	conn, err := c.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &copied)
}

func (c *checkpointer) close() {
	close(c.quit)
	<-c.done
	_ = c.db.Close()
}
