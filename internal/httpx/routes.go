package httpx

import (
	"net/http"
	"slices"
	"strings"
)

// Unmatched is the route name of requests no route serves: those of the
// not-found catch-all, or, without one, of the mux's own 404 and 405.
const Unmatched = "unmatched"

// Router is what the endpoint packages register their routes on: a Mux
// or a plain http.ServeMux.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Mux is an http.ServeMux that remembers the patterns registered on it,
// so the served routes can be listed (the OpenAPI check) and named (the
// metrics) without looking into the ServeMux. Register every route before
// serving.
type Mux struct {
	mux      http.ServeMux
	patterns []string
	names    map[string]string // pattern -> route name
	notFound string
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{names: map[string]string{}} }

// Handle registers h for pattern; like http.ServeMux, it panics on an
// invalid or conflicting pattern.
func (m *Mux) Handle(pattern string, h http.Handler) {
	m.mux.Handle(pattern, h)
	m.patterns = append(m.patterns, pattern)
	m.names[pattern] = routeName(pattern)
	// "/x" and "/x/{$}" are one route served both ways (FreeRADIUS does
	// not follow redirects): both are named "/x/".
	method, path := SplitPattern(pattern)
	if base, ok := strings.CutSuffix(path, "/{$}"); ok {
		if _, ok := m.names[joinPattern(method, base)]; ok {
			m.names[joinPattern(method, base)] = base + "/"
		}
	} else if _, ok := m.names[joinPattern(method, path+"/{$}")]; ok {
		m.names[pattern] = path + "/"
	}
}

// HandleFunc registers f for pattern.
func (m *Mux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(f))
}

// NotFound registers h as the catch-all for every path no other pattern
// matches; its route name is Unmatched.
func (m *Mux) NotFound(h http.Handler) {
	m.Handle("/", h)
	m.notFound = "/"
}

func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

// Patterns returns the registered patterns in registration order.
func (m *Mux) Patterns() []string { return slices.Clone(m.patterns) }

// Match returns the pattern that serves r, "" when none does.
func (m *Mux) Match(r *http.Request) string {
	_, p := m.mux.Handler(r)
	return p
}

// RouteName names the route of a registered pattern, as a bounded label:
// the path without the method and the trailing "{$}", with the trailing
// slash of routes served with and without it ("/api/v1/authorize/"), and
// Unmatched for "" and the catch-all.
func (m *Mux) RouteName(pattern string) string {
	if pattern == "" || pattern == m.notFound {
		return Unmatched
	}
	if n, ok := m.names[pattern]; ok {
		return n
	}
	return Unmatched
}

// SplitPattern splits a ServeMux pattern into its method ("" when none)
// and the rest.
func SplitPattern(pattern string) (method, path string) {
	if m, p, ok := strings.Cut(pattern, " "); ok && !strings.Contains(m, "/") {
		return m, strings.TrimLeft(p, " \t")
	}
	return "", pattern
}

func joinPattern(method, path string) string {
	if method == "" {
		return path
	}
	return method + " " + path
}

func routeName(pattern string) string {
	_, path := SplitPattern(pattern)
	return strings.TrimSuffix(path, "{$}")
}
