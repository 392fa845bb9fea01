// Package metrics keeps goradius's Prometheus metrics: HTTP requests by
// route, authorize decisions, accounting packets, the database pools and
// cache lookups, beside the Go runtime and process collectors. It has its
// own registry, never the client library's global one, and knows no
// usernames: no label holds anything a client sent.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goradius/goradius/internal/aaa"
)

const namespace = "goradius"

// durationBuckets span a cached lookup (under a millisecond), a PBKDF2
// check (about 0.1 s at 260000 iterations) and a large batch (minutes).
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120}

// Metrics are goradius's collectors on one registry.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	authorize  *prometheus.CounterVec
	accounting *prometheus.CounterVec
	cache      *prometheus.CounterVec
}

// New registers goradius's metrics, and the Go runtime, process and build
// collectors, on reg.
func New(reg *prometheus.Registry) *Metrics {
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by route (the pattern, not the raw path), method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route and method.",
			Buckets: durationBuckets,
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "http", Name: "requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		authorize: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "authorize_total",
			Help: "Authorize decisions by outcome (accept, reject, credential, error) and reason.",
		}, []string{"outcome", "reason"}),
		accounting: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "accounting_packets_total",
			Help: "Accounting packets by Acct-Status-Type and result (created, updated, error).",
		}, []string{"status_type", "result"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "cache_lookups_total",
			Help: "Cache lookups by cache and result (hit, miss).",
		}, []string{"cache", "result"}),
	}
	reg.MustRegister(
		m.requests, m.duration, m.inFlight, m.authorize, m.accounting, m.cache,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	// Every status type from the start, so rate() sees the first packet.
	for _, st := range aaa.StatusTypes {
		m.accounting.WithLabelValues(string(st), "updated")
		if st != aaa.StatusAccountingOn && st != aaa.StatusAccountingOff {
			m.accounting.WithLabelValues(string(st), "created")
		}
	}
	return m
}

// Registry returns the registry the metrics are on, for collectors added
// later (a RADIUS listener's, say).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format (or
// OpenMetrics when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// Authorized counts an authorize decision. Its outcome follows the answer
// FreeRADIUS gets: accept, reject (a refusal, or the empty "no opinion"
// answer), credential (a known-good password handed to FreeRADIUS's chap,
// mschap or eap module) or error (the database failed).
func (m *Metrics) Authorized(d aaa.Decision, err error) {
	outcome, reason := "reject", string(d.Reason)
	switch {
	case err != nil:
		outcome, reason = "error", "error"
	case d.Accept:
		outcome = "accept"
	case len(d.Control) > 0:
		outcome = "credential"
	}
	if reason == "" {
		reason = "unknown"
	}
	m.authorize.WithLabelValues(outcome, reason).Inc()
}

// Accounted counts an accounting packet that reached the store: created
// (a new session), updated (an existing one, and Accounting-On/Off) or
// error. Packets refused with 400 are not counted here; they show in
// goradius_http_requests_total.
func (m *Metrics) Accounted(status aaa.StatusType, created bool, err error) {
	result := "updated"
	switch {
	case err != nil:
		result = "error"
	case created:
		result = "created"
	}
	m.accounting.WithLabelValues(statusLabel(status), result).Inc()
}

// statusLabel keeps the label bounded whatever status types aaa accepts.
func statusLabel(s aaa.StatusType) string {
	for _, known := range aaa.StatusTypes {
		if s == known {
			return string(s)
		}
	}
	return "other"
}

// CacheResult counts a lookup in the named cache (a fixed name such as
// "credentials", never a key).
func (m *Metrics) CacheResult(cache string, hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	m.cache.WithLabelValues(cache, result).Inc()
}
