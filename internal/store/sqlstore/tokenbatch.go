package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"
)

// maxTokenGroup bounds how many token deletes share one transaction.
const maxTokenGroup = 64

// tokenConsumer deletes the radius tokens of concurrent logins in shared
// transactions. A single-use token must be gone for good before its login
// is accepted, and a durable commit per login (one fsync on SQLite, one WAL
// flush on PostgreSQL) held token logins to about 2,000/s: 30% of the
// server's CPU on SQLite was that commit. Deletes that arrive while a
// commit runs wait for the next one, and each caller is answered after the
// commit that holds its delete. MySQL deletes directly: InnoDB commits
// concurrent transactions together by itself.
type tokenConsumer struct {
	s    *Store
	jobs chan *consumeJob
	quit chan struct{}
	done chan struct{}
	mu   sync.Mutex
	// running is set when the first consume starts the goroutine; closed
	// by close, after which consume deletes directly.
	running, closed bool
}

type consumeJob struct {
	userID int64
	key    string
	result chan consumeResult
}

type consumeResult struct {
	ok  bool
	err error
}

func newTokenConsumer(s *Store) *tokenConsumer {
	return &tokenConsumer{s: s, jobs: make(chan *consumeJob), quit: make(chan struct{}), done: make(chan struct{})}
}

// consume queues one delete and waits for the commit that holds it.
func (c *tokenConsumer) consume(ctx context.Context, userID int64, key string) (bool, error) {
	c.mu.Lock()
	closed := c.closed
	if !closed && !c.running {
		c.running = true
		go c.run()
	}
	c.mu.Unlock()
	if closed {
		return c.s.consumeAlone(ctx, userID, key)
	}
	j := &consumeJob{userID: userID, key: key, result: make(chan consumeResult, 1)}
	select {
	case c.jobs <- j:
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.quit:
		return c.s.consumeAlone(ctx, userID, key)
	}
	// Once queued, wait for the truth whatever ctx says: the token may be
	// deleted already.
	r := <-j.result
	return r.ok, r.err
}

func (c *tokenConsumer) run() {
	defer close(c.done)
	for {
		group, ok := nextGroup(c.jobs, c.quit, maxTokenGroup)
		if !ok {
			return
		}
		c.commit(group)
	}
}

// commit deletes a group's tokens in one statement. A DELETE per token
// was a round trip each on PostgreSQL: the harness's token logins spent
// most of their time waiting for the group's deletes one after the other.
// When the statement fails, each delete runs again alone, so that each
// caller gets its own answer.
func (c *tokenConsumer) commit(group []*consumeJob) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	query, args := consumeGroup(group)
	query = c.s.q(query)
	c.s.prepareWriter(ctx, query)
	ok := make([]bool, len(group))
	err := c.s.inTx(ctx, func(tx *sql.Tx) error {
		clear(ok)
		rows, err := c.s.txStmt(ctx, tx, query).QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		deleted := map[string]int64{} // key -> user_id
		for rows.Next() {
			var userID int64
			var key string
			if err := rows.Scan(&userID, &key); err != nil {
				return err
			}
			deleted[key] = userID
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Of two logins with the same token, the first one gets it.
		for i, j := range group {
			if id, found := deleted[j.key]; found && id == j.userID {
				ok[i] = true
				delete(deleted, j.key)
			}
		}
		return nil
	})
	if err != nil && len(group) > 1 {
		for _, j := range group {
			done, err := c.s.consumeAlone(ctx, j.userID, j.key)
			j.result <- consumeResult{done, err}
		}
		return
	}
	for i, j := range group {
		j.result <- consumeResult{ok[i] && err == nil, err}
	}
}

// consumeGroup returns the DELETE of a group's tokens, RETURNING those it
// deleted, and its args. The pairs are padded to a power of two with one
// no token has (user_id 0, key ""), so that the writer prepares a handful
// of statements, not one per group size.
func consumeGroup(group []*consumeJob) (string, []any) {
	n := 1
	for n < len(group) {
		n *= 2
	}
	var b strings.Builder
	b.WriteString(`DELETE FROM radiustoken WHERE `)
	args := make([]any, 0, 2*n)
	for i := range n {
		if i > 0 {
			b.WriteString(` OR `)
		}
		b.WriteString(`("key" = ? AND user_id = ?)`)
		if i < len(group) {
			args = append(args, group[i].key, group[i].userID)
		} else {
			args = append(args, "", int64(0))
		}
	}
	b.WriteString(` RETURNING user_id, "key"`)
	return b.String(), args
}

// close stops the consumer after the group in progress; later deletes run
// directly.
func (c *tokenConsumer) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	running := c.running
	close(c.quit)
	c.mu.Unlock()
	if running {
		<-c.done
	}
}
