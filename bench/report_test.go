package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestFormatRate(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0.0", 0.46: "0.5", 24.04: "24.0", 99.94: "99.9", 100: "100", 999.5: "1,000",
		1234.4: "1,234", 12345: "12,345", 1234567: "1,234,567",
	} {
		if got := formatRate(v); got != want {
			t.Errorf("formatRate(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		412 * time.Microsecond:   "0.412 ms",
		3870 * time.Microsecond:  "3.87 ms",
		19100 * time.Microsecond: "19.1 ms",
		353 * time.Millisecond:   "353 ms",
		2651 * time.Millisecond:  "2651 ms",
		12 * time.Second:         "12.0 s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func sampleRows() []resultRow {
	rows := []resultRow{
		{backend: "sqlite", scenario: "start-to-ready", rate: -1, p50: 9580 * time.Microsecond, p99: 10200 * time.Microsecond, rssMB: 13.94},
		{backend: "sqlite", scenario: "limit-http", rate: 35904, p50: 729 * time.Microsecond, p99: 4850 * time.Microsecond},
		{backend: "sqlite", scenario: "authorize-unknown", rate: 7100, p50: 3870 * time.Microsecond, p99: 19100 * time.Microsecond,
			rssMB: 23.2, limit: limitHTTP, limitVal: 35904},
		{backend: "postgres", scenario: "acct-list-open", rate: 290, p50: 97500 * time.Microsecond, p99: 340 * time.Millisecond,
			rssMB: 61.04, errors: 2},
	}
	rows[0].evaluate(target{maxP99: 200 * time.Millisecond, label: "<= 200 ms (worst start)"}, true)
	rows[2].evaluate(target{minRatio: 0.5}, true)
	rows[3].evaluate(listTarget, true)
	return rows
}

func TestWriteTableText(t *testing.T) {
	var b bytes.Buffer
	writeTable(&b, sampleRows(), false)
	want := `backend   scenario            req/s       p50      p99  errors  RSS MB        limit  ratio  target                          met
sqlite    start-to-ready          -   9.58 ms  10.2 ms       0    13.9            -      -  <= 200 ms (worst start)         yes
sqlite    limit-http         35,904  0.729 ms  4.85 ms       0       -            -      -  -                               -
sqlite    authorize-unknown   7,100   3.87 ms  19.1 ms       0    23.2  http 35,904  0.20x  >= 0.50x                        no (ratio)
postgres  acct-list-open        290   97.5 ms   340 ms       2    61.0            -      -  p50 <= 5.00 ms, p99 <= 20.0 ms  no (p50, p99, RSS, errors)
`
	if got := b.String(); got != want {
		t.Errorf("text table:\n%s\nwant:\n%s", got, want)
	}
	// Aligned: every line is as long as the header up to the last column.
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	metAt := strings.Index(lines[0], "met")
	for _, l := range lines[1:] {
		if len(l) < metAt || l[metAt-2:metAt] != "  " {
			t.Errorf("line not aligned with the header: %q", l)
		}
	}
}

func TestWriteTableMarkdown(t *testing.T) {
	var b bytes.Buffer
	writeTable(&b, sampleRows(), true)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want header, separator and 4 rows:\n%s", len(lines), b.String())
	}
	if lines[0] != "| backend | scenario | req/s | p50 | p99 | errors | RSS MB | limit | ratio | target | met |" {
		t.Errorf("header %q", lines[0])
	}
	if lines[1] != "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|" {
		t.Errorf("separator %q", lines[1])
	}
	if lines[4] != "| sqlite | authorize-unknown | 7,100 | 3.87 ms | 19.1 ms | 0 | 23.2 | http 35,904 | 0.20x | >= 0.50x | no (ratio) |" {
		t.Errorf("row %q", lines[4])
	}
	for _, l := range lines {
		if strings.Count(l, "|")-strings.Count(l, `\|`) != 12 {
			t.Errorf("wrong number of cells: %q", l)
		}
	}
}

func TestMarkdownEscapesPipes(t *testing.T) {
	var b bytes.Buffer
	writeTable(&b, []resultRow{{backend: "sqlite", scenario: "a|b", rate: 1}}, true)
	if !strings.Contains(b.String(), `| a\|b |`) {
		t.Errorf("pipe not escaped:\n%s", b.String())
	}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name string
		row  resultRow
		t    target
		want string
	}{
		{"ratio met", resultRow{rate: 60, limitVal: 100, rssMB: 20}, target{minRatio: 0.5}, "yes"},
		{"ratio missed", resultRow{rate: 40, limitVal: 100}, target{minRatio: 0.5}, "no (ratio)"},
		{"no limit measured", resultRow{rate: 40}, target{minRatio: 0.5}, "no (ratio)"},
		{"rate", resultRow{rate: 4999}, target{minRate: 5000}, "no (rate)"},
		{"latency met", resultRow{p50: 5 * time.Millisecond, p99: 20 * time.Millisecond}, listTarget, "yes"},
		{"p99", resultRow{p50: time.Millisecond, p99: 21 * time.Millisecond}, listTarget, "no (p99)"},
		{"RSS", resultRow{rate: 6000, rssMB: 60.1}, target{minRate: 5000}, "no (RSS)"},
		{"errors", resultRow{rate: 6000, errors: 1}, target{minRate: 5000}, "no (errors)"},
	}
	for _, c := range cases {
		c.row.evaluate(c.t, true)
		if c.row.met != c.want {
			t.Errorf("%s: met %q, want %q", c.name, c.row.met, c.want)
		}
	}
	r := resultRow{rate: 50, limitVal: 100}
	r.evaluate(target{}, false)
	if r.met != "" || r.target != "" || r.ratio != 0.5 {
		t.Errorf("without a target: met %q target %q ratio %v", r.met, r.target, r.ratio)
	}
}

func TestTargetString(t *testing.T) {
	for _, c := range []struct {
		t    target
		want string
	}{
		{target{minRatio: 0.95}, ">= 0.95x"},
		{target{minRate: 5000}, ">= 5,000/s"},
		{listTarget, "p50 <= 5.00 ms, p99 <= 20.0 ms"},
		{target{maxP99: time.Second, label: "custom"}, "custom"},
	} {
		if got := c.t.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.t, got, c.want)
		}
	}
}
