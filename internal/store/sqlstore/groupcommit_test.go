package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

// TestAccountingWritesCommitIndependently sends valid and invalid packets
// at once: on SQLite they share commits (group commit), yet every valid
// packet is stored and reported created, and every invalid one fails alone.
// The same must hold on the servers, which write one statement per packet.
func TestAccountingWritesCommitIndependently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		const n = 120
		errs := make([]error, n)
		created := make([]bool, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := &store.AcctWrite{UniqueID: fmt.Sprintf("group-%03d", i)}
				w.Values[store.AcctUniqueID] = w.UniqueID
				w.Values[store.AcctSessionID] = "s"
				w.Values[store.AcctNASIPAddress] = "10.0.0.1"
				w.Values[store.AcctStartTime] = time.Now()
				w.Values[store.AcctSessionTime] = int64(i)
				if i%10 == 0 {
					// Violates radacct's CHECK (acctsessiontime >= 0).
					w.Values[store.AcctSessionTime] = int64(-1)
				}
				created[i], errs[i] = s.WriteAccounting(ctx, w)
			}()
		}
		wg.Wait()
		for i := range n {
			if i%10 == 0 {
				if errs[i] == nil {
					t.Errorf("packet %d with a negative session time was stored", i)
				}
				continue
			}
			if errs[i] != nil || !created[i] {
				t.Errorf("packet %d: created=%v err=%v", i, created[i], errs[i])
			}
		}
		if got, _ := s.CountAccounting(ctx, store.AcctFilter{}); got != n-n/10 {
			t.Fatalf("%d rows, want %d", got, n-n/10)
		}
	})
}
