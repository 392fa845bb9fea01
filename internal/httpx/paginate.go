package httpx

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Page sizes of paginated lists: page_size defaults to DefaultPageSize and
// is capped at MaxPageSize, as in the accounting list.
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
)

// MsgInvalidPage is the detail of a 404 for a page that does not exist.
const MsgInvalidPage = "Invalid page."

// PageRequest is what a list request asks for: page (1-based, or the last
// one) and page_size.
type PageRequest struct {
	Number int // 0 with Last
	Last   bool
	Size   int
}

// ParsePage reads page and page_size (their last values). An invalid or
// non-positive page_size is the default; a page that is neither a positive
// number nor "last" is not ok (answer 404 MsgInvalidPage).
func ParsePage(q url.Values) (PageRequest, bool) {
	p := PageRequest{Number: 1, Size: DefaultPageSize}
	if n, err := strconv.Atoi(strings.TrimSpace(last(q, "page_size"))); err == nil && n > 0 {
		p.Size = min(n, MaxPageSize)
	}
	switch s := last(q, "page"); s {
	case "":
	case "last":
		p.Number, p.Last = 0, true
	default:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, false
		}
		p.Number = n
	}
	return p, true
}

// Offset is the first row of the page; the last page starts at 0 until
// Resolve knows the total.
func (p PageRequest) Offset() int {
	if p.Last || p.Number < 1 {
		return 0
	}
	return (p.Number - 1) * p.Size
}

// Pages is how many pages total rows fill (an empty list has one page).
func (p PageRequest) Pages(total int) int {
	return max(1, (total+p.Size-1)/p.Size)
}

// Resolve returns the page number for total rows; ok is false when the
// page is past the last one.
func (p PageRequest) Resolve(total int) (page int, ok bool) {
	pages := p.Pages(total)
	if p.Last {
		return pages, true
	}
	return p.Number, p.Number <= pages
}

func last(q url.Values, key string) string {
	vs := q[key]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

// SetLinkHeader sets the Link header of page out of pages, in the
// accounting list's format: rel first, prev, next and last, in that order,
// first and prev only when there is a previous page, next and last only
// when there is a next one; no header on a single page.
func SetLinkHeader(w http.ResponseWriter, r *http.Request, page, pages int) {
	var parts []string
	if page > 1 {
		parts = append(parts, `<`+PageURL(r, 1)+`>; rel="first"`, `<`+PageURL(r, page-1)+`>; rel="prev"`)
	}
	if page < pages {
		parts = append(parts, `<`+PageURL(r, page+1)+`>; rel="next"`, `<`+PageURL(r, pages)+`>; rel="last"`)
	}
	if len(parts) > 0 {
		w.Header().Set("Link", strings.Join(parts, ", "))
	}
}

// PageURL is the request's absolute URL with page replaced (dropped for
// page 1) and the query sorted by name, form-encoded.
func PageURL(r *http.Request, page int) string {
	q := r.URL.Query()
	if page == 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(page))
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host + r.URL.Path
	if b.Len() > 0 {
		u += "?" + b.String()
	}
	return u
}
