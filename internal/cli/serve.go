package cli

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/server"
)

// startNameFilter builds the store's known-names filter in the background:
// until it is ready, authorize looks every name up, so the server need not
// wait for it. The function it returns stops the build and waits for it:
// call it before closing the store, or the build could start the filter's
// goroutines on a closed store and log after serve has returned.
func startNameFilter(ctx context.Context, s any, log *slog.Logger) (stop func()) {
	nf, ok := s.(interface {
		StartNameFilter(context.Context) error
	})
	if !ok {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		began := time.Now()
		if err := nf.StartNameFilter(ctx); err != nil {
			if ctx.Err() == nil {
				log.Warn("every authorize looks its username up in the database", "err", err)
			}
			return
		}
		log.Debug("known-names filter ready", "took", time.Since(began).Round(time.Millisecond).String())
	}()
	return func() {
		cancel()
		<-done
	}
}

// shutdownGrace is how long in-flight requests may take after a signal.
const shutdownGrace = 30 * time.Second

func runServe(env *Env, args []string) error {
	fs := newFlags(env, "serve", "serve [flags]")
	l := config.Register(fs, config.ServeOptions|config.DBOptions)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	c, err := l.Load(env.Getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	log := setupLog(env.Stderr, c)
	// Some packages log through slog.Default (httpx.ServerError, the health
	// check): make it this logger while serving, so every line follows
	// --log-format and --log-level and goes to the same stream.
	defer useAsDefault(log)()
	ctx := env.Ctx
	start := time.Now()

	var sender mail.Sender = mail.LogSender{Logger: log}
	if c.SMTP != "" {
		smtp, err := mail.NewSMTP(c.SMTP)
		if err != nil {
			return usagef("--smtp: %v", err)
		}
		sender = smtp
	}

	s, applied, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if applied > 0 {
		log.Info("database migrated", "migrations_applied", applied)
	}
	defer startNameFilter(ctx, s, log)()
	token, generated, err := server.APIToken(ctx, c, s)
	if err != nil {
		return err
	}
	if generated {
		log.Warn("no API token was configured: generated one and stored it in the database; print it with 'goradius api-token'" +
			dbHint(c) + " and put it in FreeRADIUS's rest configuration")
	}

	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (choose another address with --listen or GORADIUS_LISTEN)", c.Listen, err)
	}
	h := server.New(server.Deps{Config: c, Store: s, Log: log, Mail: sender}, token)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute, // a large batch hashes many passwords
		// rlm_rest keeps pooled connections for 60 s: stay open longer.
		IdleTimeout: 2 * time.Minute,
	}
	fresh := trackFreshConns(srv)
	log.Info("goradius listening", "url", "http://"+ln.Addr().String(), "database", redactURL(c.DB),
		"startup", time.Since(start).Round(time.Millisecond).String())
	fmt.Fprintf(env.Stdout, "goradius listening on http://%s (database %s)\nAPI token: run 'goradius api-token%s' to print it\n",
		ln.Addr(), redactURL(c.DB), dbHint(c))

	if c.PprofListen != "" {
		pp, err := servePprof(c.PprofListen, log)
		if err != nil {
			ln.Close()
			return err
		}
		// The profiling endpoints stop with the server.
		defer pp.Close()
	}

	if c.StaleSessionTimeout > 0 {
		go server.NewAAA(server.Deps{Config: c, Store: s, Log: log}).CloseStalePeriodically(ctx, c.StaleSessionTimeout)
	}
	if sc := maintenanceSchedule(c); sc.Enabled() {
		log.Info("maintenance tasks scheduled", "every", sc.Every.String())
		go newAdmin(server.Deps{Config: c, Store: s, Log: log, Mail: sender}).RunSchedule(ctx, sc)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	stopFresh := fresh.closeWhileShuttingDown()
	defer stopFresh()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// useAsDefault makes l the default slog logger (which also takes the
// standard log package's output) and returns the function that restores
// the previous state.
func useAsDefault(l *slog.Logger) (restore func()) {
	prev, prevOut, prevFlags := slog.Default(), stdlog.Writer(), stdlog.Flags()
	slog.SetDefault(l)
	return func() {
		slog.SetDefault(prev)
		stdlog.SetOutput(prevOut)
		stdlog.SetFlags(prevFlags)
	}
}

// dbHint repeats a non-default database flag in printed commands.
func dbHint(c *config.Config) string {
	if c.DB == "sqlite:goradius.db" {
		return ""
	}
	return " --db " + redactURL(c.DB)
}

// servePprof serves Go's profiling endpoints on their own listener, never
// on the API's, until the returned server is closed.
func servePprof(addr string, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s for pprof: %w (choose another address with --pprof-listen)", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("pprof listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}

// freshConns tracks connections that have not sent a request yet.
// FreeRADIUS's rest module opens a pool of them at start-up and may never
// use some; net/http's Shutdown waits 5 s before taking such a connection
// for idle, and during that wait the listener is already closed, so every
// login fails. Shutdown closes them as soon as they have been quiet for a
// second: a request that arrives on one in that second still completes.
type freshConns struct {
	since sync.Map // net.Conn -> time.Time; sync.Map keeps ConnState, which runs on every request, free of a shared lock
}

func trackFreshConns(srv *http.Server) *freshConns {
	f := &freshConns{}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			f.since.Store(c, time.Now())
		} else {
			f.since.Delete(c)
		}
	}
	return f
}

// closeWhileShuttingDown closes quiet fresh connections every 100 ms until
// the returned stop is called.
func (f *freshConns) closeWhileShuttingDown() (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			f.since.Range(func(k, v any) bool {
				if time.Since(v.(time.Time)) >= time.Second {
					_ = k.(net.Conn).Close()
					f.since.Delete(k)
				}
				return true
			})
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done) }
}
