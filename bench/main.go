// Command bench is goradius's load harness: it builds and starts goradius
// on SQLite (and PostgreSQL and MariaDB when they answer), loads a
// realistic data set, drives FreeRADIUS-like traffic from a closed-loop
// generator on the same machine, measures the machine's limits in the same
// run and prints one table. See docs/performance.md.
//
//	go run ./bench            # full run: 1,000,000 radacct rows, 10 s per scenario
//	go run ./bench -quick     # smoke test: small data, short scenarios
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	backends          string
	duration, warmup  time.Duration
	concurrency       int
	pbkdf2Concurrency int
	rows, users       int
	tokens            int
	scenarios         string
	profileDir        string
	quick, markdown   bool
	timeout           time.Duration
	starts            int
	rounds            int
	keep              bool
	quiet             bool
}

func main() {
	var c config
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	fs.StringVar(&c.backends, "backends", "", "comma-separated sqlite,postgres,mysql (default: sqlite, plus postgres and mysql when they answer at $GORADIUS_BENCH_POSTGRES / $GORADIUS_BENCH_MYSQL)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measured time of each scenario and limit")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "unmeasured load before each scenario and limit")
	fs.IntVar(&c.concurrency, "concurrency", 32, "closed-loop workers (keep-alive connections), as rlm_rest's pool")
	fs.IntVar(&c.pbkdf2Concurrency, "pbkdf2-concurrency", 2*runtime.NumCPU(), "workers of authorize-pbkdf2")
	fs.IntVar(&c.rows, "rows", 1_000_000, "radacct rows of the data set")
	fs.IntVar(&c.users, "users", 10_000, "regular users (pbkdf2_sha256 passwords)")
	fs.IntVar(&c.tokens, "tokens", 100_000, "users with a single-use radius token, for each token scenario")
	fs.StringVar(&c.scenarios, "scenarios", "", "comma-separated scenarios to run (a name selects those it is a prefix of); default all")
	fs.StringVar(&c.profileDir, "profile", "", "write a CPU profile of the server for each scenario into this directory")
	fs.BoolVar(&c.quick, "quick", false, "smoke test: 20,000 rows, 1,000 users, 5,000 tokens, 2 s per scenario (explicit flags win)")
	fs.BoolVar(&c.markdown, "markdown", false, "print the report as Markdown, for docs/performance.md")
	fs.DurationVar(&c.timeout, "timeout", time.Hour, "give up (and clean up) after this long")
	fs.IntVar(&c.starts, "starts", 5, "goradius starts timed for start-to-ready, per backend")
	fs.IntVar(&c.rounds, "rounds", 5, "turns in which a scenario and its limit alternate (-duration is split among them)")
	fs.BoolVar(&c.keep, "keep", false, "keep the databases and the temporary directory, to look into them (EXPLAIN ...); the next run drops goradius_bench anyway")
	fs.BoolVar(&c.quiet, "q", false, "no progress on stderr")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected argument %q\n", fs.Arg(0))
		os.Exit(2)
	}
	if c.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		def := func(name string, apply func()) {
			if !set[name] {
				apply()
			}
		}
		def("rows", func() { c.rows = 20_000 })
		def("users", func() { c.users = 1_000 })
		def("tokens", func() { c.tokens = 5_000 })
		def("duration", func() { c.duration = 2 * time.Second })
		def("warmup", func() { c.warmup = 200 * time.Millisecond })
		def("starts", func() { c.starts = 3 })
		def("rounds", func() { c.rounds = 2 })
	}
	if c.concurrency < 1 || c.pbkdf2Concurrency < 1 || c.users < 1 || c.rows < 0 || c.tokens < 0 ||
		c.duration <= 0 || c.warmup < 0 || c.starts < 1 || c.rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench: -concurrency, -pbkdf2-concurrency, -users, -starts, -rounds must be at least 1, -duration positive, the others not negative")
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-ctx.Done()
		// A second Ctrl-C kills the harness at once (goradius then dies
		// with it: see childAttrs).
		stopSignals()
	}()

	rep, err := run(ctx, &c)
	if rep != nil {
		rep.write(os.Stdout, c.markdown)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted; child processes stopped and databases dropped")
		} else if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("gave up after -timeout %s", c.timeout)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// report is everything the harness prints.
type report struct {
	started  time.Time
	command  string
	machine  []string
	data     string
	settings []string
	rows     []resultRow
	notes    []string
}

func (r *report) write(w io.Writer, markdown bool) {
	item := func(s string) {
		if markdown {
			fmt.Fprintln(w, "- "+s)
		} else {
			fmt.Fprintln(w, s)
		}
	}
	item("date: " + r.started.UTC().Format("2006-01-02 15:04 UTC"))
	item("command: " + r.command)
	for _, m := range r.machine {
		item(m)
	}
	item("data: " + r.data)
	for _, s := range r.settings {
		item(s)
	}
	fmt.Fprintln(w)
	writeTable(w, r.rows, markdown)
	if len(r.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.notes {
			item(n)
		}
	}
}

func run(ctx context.Context, c *config) (*report, error) {
	logf := logTo(c.quiet)
	rep := &report{
		started: time.Now(),
		command: "go run ./bench " + strings.Join(os.Args[1:], " "),
		machine: machineInfo(),
	}
	rep.command = strings.TrimSpace(rep.command)
	all := scenarios(c.pbkdf2Concurrency)
	sel, err := selectScenarios(all, c.scenarios)
	if err != nil {
		return nil, err
	}
	names, explicit, err := parseBackends(c.backends)
	if err != nil {
		return nil, err
	}
	if c.profileDir != "" {
		if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
			return nil, err
		}
	}

	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "radbench-")
	if err != nil {
		return nil, err
	}
	if c.keep {
		defer logf("kept %s (SQLite database, server logs)", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	logf("building ./cmd/goradius")
	bin, err := buildServer(ctx, root, tmp)
	if err != nil {
		return nil, err
	}
	hash, err := djangoPBKDF2(benchPassword, pbkdf2Iterations)
	if err != nil {
		return nil, err
	}
	spec := dataSpec{users: c.users, tokens: c.tokens, rows: c.rows, days: 30}
	d := newDataset(spec, time.Now(), hash)
	nonceBytes := make([]byte, 6)
	_, _ = rand.Read(nonceBytes)
	env := &scenarioEnv{d: d, nonce: hex.EncodeToString(nonceBytes)}
	rep.data = fmt.Sprintf("%d regular users (one shared pbkdf2_sha256 %d hash), 2 x %d token users, %d radacct rows over %d days "+
		"(%d open, %d of user %s); concurrency %d (authorize-pbkdf2: %d); %s measured per scenario after %s of warm-up, "+
		"in %d turns alternating with its limit (as long) when it has one",
		spec.users, pbkdf2Iterations, spec.tokens, spec.rows, spec.days, len(d.open), d.heavyRows, d.heavyUser,
		c.concurrency, c.pbkdf2Concurrency, c.duration, c.warmup, c.rounds)

	bare, err := startBareServer()
	if err != nil {
		return rep, err
	}
	defer bare.close()
	for _, name := range names {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		adminURL := ""
		switch name {
		case "postgres":
			adminURL = envOr("GORADIUS_BENCH_POSTGRES", defaultPostgresURL)
		case "mysql":
			adminURL = envOr("GORADIUS_BENCH_MYSQL", defaultMySQLURL)
		}
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return rep, err
		}
		b, err := newBackend(name, adminURL, dir)
		if err != nil {
			return rep, err
		}
		if err := b.reachable(ctx); err != nil {
			if explicit {
				return rep, fmt.Errorf("%s is not reachable: %w", name, err)
			}
			rep.notes = append(rep.notes, fmt.Sprintf("%s skipped: not reachable (%v)", name, firstLine(err.Error())))
			logf("%s skipped: not reachable", name)
			continue
		}
		if err := runBackend(ctx, c, rep, b, bin, env, sel, bare, logf); err != nil {
			return rep, fmt.Errorf("%s: %w", name, err)
		}
	}
	return rep, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// runBackend runs every selected scenario on one backend, from an empty
// database to its removal.
func runBackend(ctx context.Context, c *config, rep *report, b *backend, bin string, env *scenarioEnv,
	sel []scenario, bare *bareServer, logf func(string, ...any)) (err error) {
	d := env.d
	logf("%s: creating the database", b.name)
	if err := b.create(ctx); err != nil {
		return err
	}
	defer func() {
		if c.keep {
			logf("%s: kept the database: %s", b.name, b.url)
			return
		}
		if derr := b.drop(ctx); derr != nil && err == nil {
			err = derr
		}
	}()
	if err := migrate(ctx, bin, b.url); err != nil {
		return err
	}
	loadStart := time.Now()
	logf("%s: loading the data set", b.name)
	if err := d.load(ctx, b, logf); err != nil {
		return err
	}
	logf("%s: data set loaded in %s", b.name, time.Since(loadStart).Round(time.Second))
	if db, err := b.open(); err == nil {
		rep.settings = append(rep.settings, b.name+": "+setting(ctx, db, b.name))
		db.Close()
	}

	// The limits, run in turns with the scenarios compared with them.
	limitRuns := map[string]func(ctx context.Context, opts loopOptions) (*loadResult, error){
		limitHTTP: func(ctx context.Context, opts loopOptions) (*loadResult, error) {
			return bare.run(ctx, opts, env)
		},
		limitPBKDF2: func(ctx context.Context, opts loopOptions) (*loadResult, error) {
			opts.concurrency = runtime.NumCPU()
			return limitPBKDF2Rate(ctx, opts.warmup, opts.duration)
		},
	}
	needDB := false
	for _, s := range sel {
		if l := s.limit(b.name); l == limitDBInsert || l == limitDBUpdate {
			needDB = true
		}
	}
	if needDB {
		logf("%s: copying radacct into %s for the database limit", b.name, limitTable)
		start := time.Now()
		db, err := b.open()
		if err != nil {
			return err
		}
		err = prepareLimitTable(ctx, db, b.name)
		db.Close()
		if err != nil {
			return err
		}
		logf("%s: copied in %s", b.name, time.Since(start).Round(time.Millisecond))
		dl, err := newDBLimit(ctx, b, d, env.nonce, c.concurrency)
		if err != nil {
			return err
		}
		defer dl.close()
		limitRuns[limitDBInsert] = func(ctx context.Context, opts loopOptions) (*loadResult, error) {
			return dl.run(ctx, false, opts)
		}
		limitRuns[limitDBUpdate] = func(ctx context.Context, opts loopOptions) (*loadResult, error) {
			return dl.run(ctx, true, opts)
		}
	}
	limitTotals := map[string]*loadResult{}
	var limitOrder []string

	// Start-to-ready: every start is on an existing database (migrated and
	// loaded); the last server started runs the scenarios.
	logPath := filepath.Join(filepath.Dir(bin), b.name+"-server.log")
	var readies []time.Duration
	var srv *server
	defer func() {
		if srv != nil {
			if serr := srv.stop(); serr != nil && err == nil {
				err = serr
			}
		}
	}()
	for i := range c.starts {
		s, err := startServer(ctx, bin, b.url, logPath)
		if err != nil {
			return err
		}
		readies = append(readies, s.ready)
		if i < c.starts-1 {
			if err := s.stop(); err != nil {
				return err
			}
			continue
		}
		srv = s
	}
	idle, _ := rssKB(srv.pid())
	slices.Sort(readies)
	startRow := resultRow{backend: b.name, scenario: "start-to-ready", rate: -1,
		p50: readies[len(readies)/2], p99: readies[len(readies)-1], rssMB: float64(idle) / 1024}
	if b.name == "sqlite" {
		startRow.evaluate(target{maxP99: 200 * time.Millisecond, label: "<= 200 ms (worst start)"}, true)
	} else {
		startRow.evaluate(target{}, false)
	}
	rep.rows = append(rep.rows, startRow)
	var rows []resultRow

	for _, s := range sel {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		conc := c.concurrency
		if s.concurrency > 0 {
			conc = s.concurrency
		}
		limit := s.limit(b.name)
		limitRun := limitRuns[limit]
		rounds := c.rounds
		if limitRun == nil {
			rounds = 1
		}
		slice := c.duration / time.Duration(rounds)
		if limitRun != nil {
			logf("%s: %s (%d workers) and %s, in %d turns of %s", b.name, s.name, conc, limit, rounds, slice)
		} else {
			logf("%s: %s (%d workers, %s)", b.name, s.name, conc, c.duration)
		}
		w := s.load(env) // one for all the turns and attempts: its pools of ids and tokens go on
		measure := func() (res, lim *loadResult, peak float64, profErr error, err error) {
			var profWG sync.WaitGroup
			if c.profileDir != "" {
				// As long as the turns take (see interleave).
				total := c.warmup + time.Duration(rounds-1)*min(c.warmup, 250*time.Millisecond) + c.duration
				if limitRun != nil {
					total *= 2
				}
				secs := int((total + time.Second - 1) / time.Second)
				path := filepath.Join(c.profileDir, b.name+"-"+s.name+".pprof")
				profWG.Add(1)
				go func() {
					defer profWG.Done()
					profErr = captureProfile(ctx, srv.pprofURL, secs, path)
				}()
			}
			rss := sampleRSS(srv.pid())
			res, lim, err = interleave(ctx, rounds, c.warmup, slice,
				func(ctx context.Context, opts loopOptions) (*loadResult, error) {
					opts.concurrency = conc
					return runHTTP(ctx, httpOptions{loopOptions: opts, baseURL: srv.baseURL}, w)
				},
				func(ctx context.Context, opts loopOptions) (*loadResult, error) {
					opts.concurrency = c.concurrency
					return limitRun(ctx, opts)
				}, limitRun != nil)
			peak = rss.stop()
			profWG.Wait()
			return res, lim, peak, profErr, err
		}
		var res, lim *loadResult
		var peak float64
		for attempt := 1; ; attempt++ {
			var profErr error
			res, lim, peak, profErr, err = measure()
			if err != nil {
				return err
			}
			if srv.alive() {
				if profErr != nil {
					rep.notes = append(rep.notes, fmt.Sprintf("%s %s: no profile: %v", b.name, s.name, profErr))
				}
				break
			}
			// On a shared machine, someone's "pkill goradius" may stop the
			// server: it then exits 0 after a graceful shutdown. Start it
			// again and run the scenario again, twice at most.
			werr := srv.stop()
			if werr != nil || attempt == 3 {
				return fmt.Errorf("goradius stopped during %s (%v); its log:\n%s", s.name, werr, tail(logPath, 20))
			}
			note := fmt.Sprintf("%s %s: goradius was stopped from outside (a signal from another process) during the run: "+
				"restarted it and ran the scenario again", b.name, s.name)
			logf("%s", note)
			rep.notes = append(rep.notes, note)
			if srv, err = startServer(ctx, bin, b.url, logPath); err != nil {
				return err
			}
		}
		row := resultRow{backend: b.name, scenario: s.name, rate: res.rate(), p50: res.hist.quantile(0.5),
			p99: res.hist.quantile(0.99), errors: res.errors, rssMB: peak}
		if lim != nil {
			row.limit, row.limitVal = limit, lim.rate()
			if limitTotals[limit] == nil {
				limitTotals[limit] = &loadResult{}
				limitOrder = append(limitOrder, limit)
			}
			limitTotals[limit].add(lim)
			if lim.firstErr != "" {
				rep.notes = append(rep.notes, fmt.Sprintf("%s %s: %d errors, the first: %s", b.name, limit, lim.errors, lim.firstErr))
			}
		}
		row.evaluate(s.target(b.name), true)
		rows = append(rows, row)
		if res.firstErr != "" {
			rep.notes = append(rep.notes, fmt.Sprintf("%s %s: %d errors, the first: %s", b.name, s.name, res.errors, res.firstErr))
		}
		if res.exhausted {
			rep.notes = append(rep.notes, fmt.Sprintf("%s %s: ran out of tokens after %s: the rate is over that time (raise -tokens)",
				b.name, s.name, res.elapsed.Round(time.Millisecond)))
		}
		if s.name == "authorize-pbkdf2" {
			rep.notes = append(rep.notes, fmt.Sprintf("%s authorize-pbkdf2: %s/s with %d workers, %s per core; %s: %s hashes/s, %s per core",
				b.name, formatRate(res.rate()), conc, formatRate(res.rate()/float64(runtime.NumCPU())),
				limitPBKDF2, formatRate(row.limitVal), formatRate(row.limitVal/float64(runtime.NumCPU()))))
		}
		msg := fmt.Sprintf("%s: %s: %s req/s, p50 %s, p99 %s, %d errors, RSS %.1f MB", b.name, s.name, formatRate(res.rate()),
			formatDuration(row.p50), formatDuration(row.p99), res.errors, peak)
		if lim != nil {
			msg += fmt.Sprintf("; %s %s/s: %.2fx", limit, formatRate(lim.rate()), row.ratio)
		}
		logf("%s", msg)
	}
	for _, l := range limitOrder {
		t := limitTotals[l]
		rep.rows = append(rep.rows, resultRow{backend: b.name, scenario: l, rate: t.rate(),
			p50: t.hist.quantile(0.5), p99: t.hist.quantile(0.99), errors: t.errors})
	}
	rep.rows = append(rep.rows, rows...)
	return nil
}

// interleave runs a scenario and, when withLimit, its limit in turns:
// rounds times the limit for slice then the scenario for slice, so that
// both see the same machine (other work on a shared machine comes and
// goes). The first turn of each is preceded by warmup, the others by a
// short one to open the connections again.
func interleave(ctx context.Context, rounds int, warmup, slice time.Duration,
	scenario, limit func(context.Context, loopOptions) (*loadResult, error), withLimit bool) (res, lim *loadResult, err error) {
	res = &loadResult{}
	if withLimit {
		lim = &loadResult{}
	}
	for i := range rounds {
		w := warmup
		if i > 0 {
			w = min(warmup, 250*time.Millisecond)
		}
		opts := loopOptions{warmup: w, duration: slice}
		if withLimit {
			l, err := limit(ctx, opts)
			if err != nil {
				return nil, nil, err
			}
			lim.add(l)
		}
		r, err := scenario(ctx, opts)
		if err != nil {
			return nil, nil, err
		}
		res.add(r)
		if r.exhausted {
			break
		}
	}
	return res, lim, nil
}
