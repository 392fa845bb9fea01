package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// resultRow is one line of the results table.
type resultRow struct {
	backend  string // "" for the machine's limits
	scenario string
	rate     float64 // per second; < 0: not applicable
	unit     string  // what rate counts when not requests ("hashes", "rows")
	p50, p99 time.Duration
	errors   uint64
	rssMB    float64 // 0: not measured
	limit    string  // name of the limit compared with
	limitVal float64
	ratio    float64 // 0: none
	target   string
	met      string // "yes", "no (...)", "" when there is no target
}

// evaluate fills ratio and met from the measured values and a target.
func (r *resultRow) evaluate(t target, hasTarget bool) {
	if r.limitVal > 0 && r.rate >= 0 {
		r.ratio = r.rate / r.limitVal
	}
	if !hasTarget {
		return
	}
	r.target = t.String()
	var miss []string
	if t.minRatio > 0 && (r.limitVal <= 0 || r.ratio < t.minRatio) {
		miss = append(miss, "ratio")
	}
	if t.minRate > 0 && r.rate < t.minRate {
		miss = append(miss, "rate")
	}
	if t.maxP50 > 0 && r.p50 > t.maxP50 {
		miss = append(miss, "p50")
	}
	if t.maxP99 > 0 && r.p99 > t.maxP99 {
		miss = append(miss, "p99")
	}
	if r.rssMB > maxRSSMB {
		miss = append(miss, "RSS")
	}
	if r.errors > 0 {
		miss = append(miss, "errors")
	}
	if len(miss) == 0 {
		r.met = "yes"
	} else {
		r.met = "no (" + strings.Join(miss, ", ") + ")"
	}
}

var tableHeader = []string{"backend", "scenario", "req/s", "p50", "p99", "errors", "RSS MB", "limit", "ratio", "target", "met"}

// rightAligned marks the numeric columns.
var rightAligned = []bool{false, false, true, true, true, true, true, true, true, false, false}

func (r *resultRow) cells() []string {
	dash := "-"
	c := make([]string, len(tableHeader))
	c[0] = r.backend
	if c[0] == "" {
		c[0] = "machine"
	}
	c[1] = r.scenario
	c[2] = dash
	if r.rate >= 0 {
		c[2] = formatRate(r.rate)
		if r.unit != "" {
			c[2] += " " + r.unit
		}
	}
	c[3], c[4] = dash, dash
	if r.p50 > 0 {
		c[3] = formatDuration(r.p50)
	}
	if r.p99 > 0 {
		c[4] = formatDuration(r.p99)
	}
	c[5] = strconv.FormatUint(r.errors, 10)
	c[6] = dash
	if r.rssMB > 0 {
		c[6] = strconv.FormatFloat(r.rssMB, 'f', 1, 64)
	}
	c[7] = dash
	if r.limit != "" && r.limitVal > 0 {
		c[7] = strings.TrimPrefix(r.limit, "limit-") + " " + formatRate(r.limitVal)
	}
	c[8] = dash
	if r.ratio > 0 {
		c[8] = strconv.FormatFloat(r.ratio, 'f', 2, 64) + "x"
	}
	c[9], c[10] = r.target, r.met
	if c[9] == "" {
		c[9] = dash
	}
	if c[10] == "" {
		c[10] = dash
	}
	return c
}

// writeTable prints rows as aligned text, or as a Markdown table.
func writeTable(w io.Writer, rows []resultRow, markdown bool) {
	cells := make([][]string, 0, len(rows)+1)
	cells = append(cells, tableHeader)
	for i := range rows {
		cells = append(cells, rows[i].cells())
	}
	if markdown {
		for i, line := range cells {
			esc := make([]string, len(line))
			for j, c := range line {
				esc[j] = strings.ReplaceAll(c, "|", `\|`)
			}
			fmt.Fprintln(w, "| "+strings.Join(esc, " | ")+" |")
			if i == 0 {
				sep := make([]string, len(line))
				for j := range sep {
					sep[j] = "---"
					if rightAligned[j] {
						sep[j] = "---:"
					}
				}
				fmt.Fprintln(w, "|"+strings.Join(sep, "|")+"|")
			}
		}
		return
	}
	width := make([]int, len(tableHeader))
	for _, line := range cells {
		for j, c := range line {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	for _, line := range cells {
		var b strings.Builder
		for j, c := range line {
			pad := strings.Repeat(" ", width[j]-len([]rune(c)))
			if j > 0 {
				b.WriteString("  ")
			}
			if rightAligned[j] {
				b.WriteString(pad + c)
			} else if j < len(line)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// formatRate prints a rate with thousands separators, and one decimal
// below 100.
func formatRate(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

// formatDuration prints a latency with three significant digits in ms, or
// in s from 10 s up.
func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 10000:
		return strconv.FormatFloat(ms/1000, 'f', 1, 64) + " s"
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	default:
		return strconv.FormatFloat(ms, 'f', 3, 64) + " ms"
	}
}

// machineInfo describes the machine for the report.
func machineInfo() []string {
	var lines []string
	lines = append(lines, "cores: "+strconv.Itoa(runtime.NumCPU())+" (nproc)")
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				lines = append(lines, "CPU: "+strings.TrimSpace(v))
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				f := strings.Fields(v)
				if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
					lines = append(lines, fmt.Sprintf("memory: %.1f GiB", kb/1024/1024))
				}
			}
		}
	}
	lines = append(lines, "Go: "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		rev := strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
			rev += " (with uncommitted changes)"
		}
		lines = append(lines, "goradius: commit "+rev)
	}
	return lines
}
