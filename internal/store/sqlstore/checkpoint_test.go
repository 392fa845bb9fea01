package sqlstore_test

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// warnings counts the lines the store logs at warning level or above, and
// keeps the first.
type warnings struct {
	n     atomic.Int64
	first atomic.Value
}

func (w *warnings) Write(p []byte) (int, error) {
	if w.n.Add(1) == 1 {
		w.first.Store(string(p))
	}
	return len(p), nil
}

// TestCheckpointStartsWALOver writes accounting packets without pause
// beside readers, with a checkpointer that starts the WAL over from 64
// frames: the WAL file stays small, it starts over again and again, the
// store logs no warning (a failed checkpoint would) and every packet is
// stored.
func TestCheckpointStartsWALOver(t *testing.T) {
	sqlstore.SetCheckpointForTest(t, 2*time.Millisecond, 64)
	path := filepath.Join(t.TempDir(), "goradius.db")
	var warned warnings
	log := slog.New(slog.NewTextHandler(&warned, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlstore.Open(t.Context(), "sqlite:"+path, sqlstore.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	startOvers := func() uint32 {
		// The WAL header's checkpoint sequence number counts the times
		// the WAL started over.
		b, err := os.ReadFile(path + "-wal")
		if err != nil || len(b) < 16 {
			t.Fatalf("read WAL header: %v (%d bytes)", err, len(b))
		}
		return binary.BigEndian.Uint32(b[12:16])
	}
	before := startOvers()

	const writers, packets = 8, 150
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.CountAccounting(t.Context(), store.AcctFilter{IsOpen: new(true)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var ww sync.WaitGroup
	for g := range writers {
		ww.Go(func() {
			for i := range packets {
				uid := fmt.Sprintf("w%d-%04d", g, i)
				for _, status := range []string{"Start", "Interim"} {
					w := &store.AcctWrite{UniqueID: uid, LikelyNew: status == "Start"}
					w.Values[store.AcctUniqueID] = uid
					w.Values[store.AcctSessionID] = "s-" + uid
					w.Values[store.AcctUsername] = fmt.Sprintf("user%d", i%50)
					w.Values[store.AcctNASIPAddress] = "10.0.0.1"
					w.Values[store.AcctStartTime] = time.Now()
					w.Values[store.AcctSessionTime] = int64(len(status))
					w.Update[store.AcctSessionTime] = true
					if _, err := s.WriteAccounting(t.Context(), w); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	ww.Wait()
	close(done)
	wg.Wait()

	if n, err := s.CountAccounting(t.Context(), store.AcctFilter{}); err != nil || n != writers*packets {
		t.Errorf("%d rows (%v), want %d", n, err, writers*packets)
	}
	if got := startOvers() - before; got < 3 {
		t.Errorf("the WAL started over %d times, want several", got)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 4<<20 {
		t.Errorf("WAL file of %d bytes after %d packets: it did not start over", fi.Size(), 2*writers*packets)
	}
	if n := warned.n.Load(); n > 0 {
		t.Errorf("%d warnings, the first: %s", n, warned.first.Load())
	}
}
