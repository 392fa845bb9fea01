package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
)

// DBStatsSource is a store that reports its connection pools, by a fixed
// pool name ("writer" and "reader" for SQLite's two pools, "main" for a
// server's single pool).
type DBStatsSource interface {
	DBStats() map[string]sql.DBStats
}

// WatchDB adds the connection pools of src to the metrics.
func (m *Metrics) WatchDB(src DBStatsSource) error {
	return m.reg.Register(newDBCollector(src))
}

type dbCollector struct {
	src DBStatsSource
	// Gauges.
	maxOpen, open, inUse, idle *prometheus.Desc
	// Counters.
	waits, waitSeconds, idleClosed, idleTimeClosed, lifetimeClosed *prometheus.Desc
}

func newDBCollector(src DBStatsSource) *dbCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db", name), help, []string{"pool"}, nil)
	}
	return &dbCollector{
		src:            src,
		maxOpen:        d("max_open_connections", "Most connections the pool may open."),
		open:           d("open_connections", "Connections open, in use or idle."),
		inUse:          d("in_use_connections", "Connections running a query or transaction."),
		idle:           d("idle_connections", "Idle connections."),
		waits:          d("wait_count_total", "Times a query waited for a free connection."),
		waitSeconds:    d("wait_duration_seconds_total", "Time spent waiting for a free connection."),
		idleClosed:     d("max_idle_closed_total", "Connections closed because the pool had enough idle ones."),
		idleTimeClosed: d("max_idle_time_closed_total", "Connections closed after being idle too long."),
		lifetimeClosed: d("max_lifetime_closed_total", "Connections closed at the end of their lifetime."),
	}
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waits, c.waitSeconds, c.idleClosed, c.idleTimeClosed, c.lifetimeClosed} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	// The registry sorts what is gathered: map order does not matter.
	for p, s := range c.src.DBStats() {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, p)
		}
		counter := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, p)
		}
		gauge(c.maxOpen, float64(s.MaxOpenConnections))
		gauge(c.open, float64(s.OpenConnections))
		gauge(c.inUse, float64(s.InUse))
		gauge(c.idle, float64(s.Idle))
		counter(c.waits, float64(s.WaitCount))
		counter(c.waitSeconds, s.WaitDuration.Seconds())
		counter(c.idleClosed, float64(s.MaxIdleClosed))
		counter(c.idleTimeClosed, float64(s.MaxIdleTimeClosed))
		counter(c.lifetimeClosed, float64(s.MaxLifetimeClosed))
	}
}
