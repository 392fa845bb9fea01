package adminapi

import (
	"net/http"
	"strconv"

	"github.com/goradius/goradius/internal/httpx"
)

// listPage answers one page of a list as a bare JSON array, with the
// accounting list's page and page_size parameters and Link header, and
// the number of matches in X-Total-Count. fetch reads rows offset to
// offset+limit and the total count of matches.
func listPage[T any](w http.ResponseWriter, r *http.Request, fetch func(offset, limit int) ([]T, int, error)) {
	p, ok := httpx.ParsePage(r.URL.Query())
	if !ok {
		httpx.Detail(w, http.StatusNotFound, httpx.MsgInvalidPage)
		return
	}
	items, total, err := fetch(p.Offset(), p.Size)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	page, ok := p.Resolve(total)
	if !ok {
		httpx.Detail(w, http.StatusNotFound, httpx.MsgInvalidPage)
		return
	}
	if p.Last && page > 1 {
		if items, total, err = fetch((page-1)*p.Size, p.Size); err != nil {
			writeError(w, r, err, "")
			return
		}
		page = p.Pages(total) // rows may have come or gone meanwhile
	}
	if items == nil {
		items = []T{}
	}
	httpx.SetLinkHeader(w, r, page, p.Pages(total))
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	httpx.JSON(w, http.StatusOK, items)
}

// pathID reads a numeric id from the path; ok is false when an answer (404)
// was written.
func pathID(w http.ResponseWriter, r *http.Request, name, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		httpx.Detail(w, http.StatusNotFound, notFoundDetail(what))
		return 0, false
	}
	return id, true
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string { return strconv.Quote(s) }
