package sqlstore

import (
	"encoding/binary"
	"sync"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's page caches take their pages from one pool of fixed slots
// (SQLITE_CONFIG_PAGECACHE) instead of its general allocator. A cached
// page is a 4 KiB page plus SQLite's header for it, a little over 4 KiB,
// and the general allocator of the Go translation rounds every allocation
// up to a power of two: each cached page cost 8 KiB. The harness found
// 22 MB of the server's RSS in those allocations for 10 MB of cache
// (6 MB writer, 1 MB per reader), which kept SQLite's RSS over 60 MB; the
// slots hold the same pages in about half of that.
const (
	// sqliteSlotSize holds a 4 KiB page and its headers (about 4.3 KiB).
	sqliteSlotSize = 4608
	// sqliteSlotReaders is how many readers' caches the pool covers: a
	// store has max(4, cores) readers; the pages of more (machines with
	// more cores) come from the general allocator, as every page does once
	// the pool is used up.
	sqliteSlotReaders = 4
)

var sqliteMemoryOnce sync.Once

// sqliteSlots is the pool's size: the writer's cache and
// sqliteSlotReaders readers' caches, in pages. SQLite links every slot
// when it starts, so the whole pool is resident from then on.
func sqliteSlots() int {
	const pageKiB = 4
	writer := sqliteWriterCacheKiB / pageKiB
	reader := sqliteReaderCacheKiB / pageKiB
	return writer + sqliteSlotReaders*reader
}

// configureSQLiteMemory gives SQLite its page slots. It must run before
// the process's first SQLite connection; if another one came first (a
// test opening SQLite by itself), SQLite keeps its allocator.
func configureSQLiteMemory() {
	sqliteMemoryOnce.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		n := sqliteSlots()
		// Never freed: SQLite uses the pool for the life of the process.
		pool := libc.Xmalloc(tls, types.Size_t(sqliteSlotSize*n))
		if pool == 0 {
			return
		}
		va := libc.Xmalloc(tls, types.Size_t(3*unsafe.Sizeof(uintptr(0))))
		if va == 0 {
			libc.Xfree(tls, pool)
			return
		}
		defer libc.Xfree(tls, va)
		rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE,
			libc.VaList(va, pool, int32(sqliteSlotSize), int32(n)))
		if rc != sqlite3.SQLITE_OK {
			libc.Xfree(tls, pool)
		}
	})
}

// sqlitePageSlotsUsed reports how many slots hold a page now, and the most
// that ever did.
func sqlitePageSlotsUsed() (current, highwater int64) {
	tls := libc.NewTLS()
	defer tls.Close()
	p := libc.Xmalloc(tls, 16)
	if p == 0 {
		return 0, 0
	}
	defer libc.Xfree(tls, p)
	sqlite3.Xsqlite3_status64(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, p, p+8, 0)
	b := libc.GoBytes(p, 16)
	return int64(binary.NativeEndian.Uint64(b)), int64(binary.NativeEndian.Uint64(b[8:]))
}
