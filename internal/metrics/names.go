package metrics

import "github.com/prometheus/client_golang/prometheus"

// NameFilterSource is a store with a known-names filter (see sqlstore's
// StartNameFilter): whether it answers, how many names it holds, and its
// answers so far.
type NameFilterSource interface {
	NameFilterCounts() (ready bool, names, unknown, lookedUp int64)
}

// WatchNameFilter adds the known-names filter of src to the metrics.
func (m *Metrics) WatchNameFilter(src NameFilterSource) error {
	return m.reg.Register(newNameFilterCollector(src))
}

type nameFilterCollector struct {
	src                    NameFilterSource
	ready, names, searches *prometheus.Desc
}

func newNameFilterCollector(src NameFilterSource) *nameFilterCollector {
	return &nameFilterCollector{
		src: src,
		ready: prometheus.NewDesc(prometheus.BuildFQName(namespace, "name_filter", "ready"),
			"1 when the known-names filter answers, 0 while every username is looked up in the database.", nil, nil),
		names: prometheus.NewDesc(prometheus.BuildFQName(namespace, "name_filter", "names"),
			"Usernames added to the known-names filter.", nil, nil),
		searches: prometheus.NewDesc(prometheus.BuildFQName(namespace, "name_filter", "answers_total"),
			"Usernames the filter called unknown without a query (unknown), or let through to the database (looked_up).",
			[]string{"result"}, nil),
	}
}

func (c *nameFilterCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.ready
	ch <- c.names
	ch <- c.searches
}

func (c *nameFilterCollector) Collect(ch chan<- prometheus.Metric) {
	ready, names, unknown, lookedUp := c.src.NameFilterCounts()
	r := 0.0
	if ready {
		r = 1
	}
	ch <- prometheus.MustNewConstMetric(c.ready, prometheus.GaugeValue, r)
	ch <- prometheus.MustNewConstMetric(c.names, prometheus.GaugeValue, float64(names))
	ch <- prometheus.MustNewConstMetric(c.searches, prometheus.CounterValue, float64(unknown), "unknown")
	ch <- prometheus.MustNewConstMetric(c.searches, prometheus.CounterValue, float64(lookedUp), "looked_up")
}
