package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// RouteNamer names the route of a ServeMux pattern ("" when none matched)
// with a bounded label; httpx.Mux is one.
type RouteNamer interface {
	RouteName(pattern string) string
}

// Middleware counts and times the requests next answers, by route, method
// and status code. The route is named from r.Pattern, which the ServeMux
// sets on the request it is handed: next must be the mux, or a handler
// that passes the request to it unchanged (httpx.Recover), never one that
// copies it (r.WithContext).
func (m *Metrics) Middleware(routes RouteNamer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(rec, r)
		route, method := routes.RouteName(r.Pattern), methodLabel(r.Method)
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(route, method, codeLabel(rec.status)).Inc()
	})
}

// methodLabel keeps the method label bounded: a client may send any word.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// codeLabels avoids formatting the status code on every request.
var codeLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func codeLabel(status int) string {
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200
	}
	if status > 0 && status < len(codeLabels) {
		return codeLabels[status]
	}
	return strconv.Itoa(status)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
