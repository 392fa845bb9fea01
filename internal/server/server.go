// Package server assembles goradius's HTTP handler from its configuration
// and store: the FreeRADIUS endpoints, the integration API, /healthz,
// /metrics and the OpenAPI document.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/adminapi"
	"github.com/goradius/goradius/internal/api"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/credcache"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/metrics"
	"github.com/goradius/goradius/internal/openapi"
	"github.com/goradius/goradius/internal/rlmrest"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// apiTokenSetting is where a generated API token is kept in the database.
const apiTokenSetting = "api_token"

// Deps are what the server is built from. Now, Mail and Metrics are
// optional.
type Deps struct {
	Config *config.Config
	Store  store.Store
	Log    *slog.Logger
	Now    func() time.Time
	Mail   mail.Sender
	// Metrics, when nil, are made on a registry of their own.
	Metrics *metrics.Metrics
}

// Handler is the complete HTTP handler, with its routes.
type Handler struct {
	http.Handler
	// Mux lists and names the routes served.
	Mux *httpx.Mux
}

// New returns the complete HTTP handler. The API token must be resolved
// already (see APIToken).
func New(d Deps, apiToken string) *Handler {
	c := d.Config
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	svc := NewAAA(Deps{Config: c, Store: d.Store, Log: log, Now: now})
	us := NewUsers(d)
	guard := httpx.NewTokenGuard(apiToken).Wrap

	m := d.Metrics
	if m == nil {
		m = metrics.New(prometheus.NewRegistry())
	}
	if src, ok := d.Store.(metrics.DBStatsSource); ok {
		if err := m.WatchDB(src); err != nil {
			log.Warn("database pool metrics are off", "error", err)
		}
	}
	if src, ok := d.Store.(metrics.NameFilterSource); ok {
		if err := m.WatchNameFilter(src); err != nil {
			log.Warn("known-names filter metrics are off", "error", err)
		}
	}
	var observer rlmrest.Observer = m
	if c.Metrics == "off" {
		observer = nil
	}
	if svc.Credentials != nil && observer != nil {
		svc.Credentials.Observe = func(hit bool) { m.CacheResult("credentials", hit) }
	}
	if pc, ok := d.Store.(policyCacher); ok && c.PolicyCacheTTL > 0 {
		var observe func(cache string, hit bool)
		if observer != nil {
			observe = m.CacheResult
		}
		pc.CachePolicy(c.PolicyCacheTTL, c.PolicyCacheSize, observe)
	}

	mux := httpx.NewMux()
	(&rlmrest.Handler{AAA: svc, Store: d.Store, AuthorizeReject: c.AuthorizeReject, SendCredentials: c.SendCredentials, TimeZone: c.TimeZone, Log: log, Observer: observer}).
		Register(mux, guard)
	(&api.Handler{AAA: svc, Users: us, Store: d.Store, TimeZone: c.TimeZone, Log: log}).Register(mux, guard)
	(&adminapi.Handler{Service: admin.New(d.Store, us), Store: d.Store, TokenLifetime: c.AdminTokenLifetime,
		Iterations: c.PasswordIterations, TimeZone: c.TimeZone, Now: now, Log: log}).Register(mux)
	mux.HandleFunc("GET /healthz", health(d.Store))
	switch c.Metrics {
	case "off":
	case "token":
		mux.Handle("/metrics", guard(rlmrest.Methods{http.MethodGet: m.Handler().ServeHTTP}))
	default:
		mux.Handle("/metrics", rlmrest.Methods{http.MethodGet: m.Handler().ServeHTTP})
	}
	mux.Handle(openapi.DocumentPath, rlmrest.Methods{http.MethodGet: openapi.ServeDocument})
	rlmrest.Route(mux, openapi.PagePath, rlmrest.Methods{http.MethodGet: openapi.ServePage})
	mux.NotFound(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Detail(w, http.StatusNotFound, "Not found.")
	}))

	var h http.Handler = httpx.Recover(mux)
	if c.Metrics != "off" {
		// Between Logging, which copies the request, and the mux, which
		// sets r.Pattern on the request it is handed.
		h = m.Middleware(mux, h)
	}
	return &Handler{Handler: httpx.Logging(log, h), Mux: mux}
}

// policyCacher is a store with a policy cache (see sqlstore's
// CachePolicy): observe, when not nil, counts its lookups as cache
// "policy" (accounts and policies) and "usage" (counters).
type policyCacher interface {
	CachePolicy(ttl time.Duration, size int, observe func(cache string, hit bool))
}

// NewAAA builds the authorize/accounting service from the configuration.
func NewAAA(d Deps) *aaa.Service {
	c := d.Config
	return &aaa.Service{
		Store: d.Store, Now: d.Now, Log: d.Log,
		DisposableRadiusToken: c.DisposableRadiusToken, AccountingAutoGroup: c.AccountingAutoGroup,
		Counters: Counters(c), Credentials: CredentialCache(c, d.Now),
	}
}

// CredentialCache returns the opt-in cache of verified passwords, or nil
// when the configuration leaves it off.
func CredentialCache(c *config.Config, now func() time.Time) *credcache.Cache {
	if c.CredentialCacheTTL <= 0 {
		return nil
	}
	return credcache.New(c.CredentialCacheTTL, c.CredentialCacheSize, now)
}

// Counters returns the counter settings of the configuration.
func Counters(c *config.Config) aaa.CounterSettings {
	return aaa.CounterSettings{
		Location: c.TimeZone, DayStart: c.CounterDayStart, WeekStart: c.CounterWeekStart,
		OctetsReply: c.TrafficOctetsReply, GigawordsReply: c.TrafficGigawordsReply,
	}
}

// NewUsers builds the account service from the configuration.
func NewUsers(d Deps) *users.Service {
	c := d.Config
	sender := d.Mail
	if sender == nil {
		sender = mail.LogSender{Logger: d.Log}
	}
	return &users.Service{
		Store: d.Store, Now: d.Now, Log: d.Log, Iterations: c.PasswordIterations,
		PasswordLength: c.BatchPasswordLength, TimeZone: c.TimeZone, Mail: sender, StoreNTHash: c.StoreNTHash,
		MailFrom: c.BatchMailSender, MailSubject: c.BatchMailSubject, MailMessage: c.BatchMailMessage,
	}
}

func health(s store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			slog.Default().WarnContext(ctx, "health check: database does not answer", "error", err)
			httpx.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "detail": "the database does not answer"})
			return
		}
		httpx.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

// APIToken returns the configured API token or, when none is configured,
// the one kept in the database, generating and storing it on first use.
// generated reports that a new token was made.
func APIToken(ctx context.Context, c *config.Config, s store.Store) (token string, generated bool, err error) {
	if c.APIToken != "" {
		return c.APIToken, false, nil
	}
	t, err := s.Setting(ctx, apiTokenSetting)
	if err == nil && t != "" {
		return t, false, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", false, fmt.Errorf("reading the stored API token: %w", err)
	}
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", false, err
	}
	t = hex.EncodeToString(b[:])
	if err := s.PutSetting(ctx, apiTokenSetting, t); err != nil {
		return "", false, fmt.Errorf("storing the generated API token: %w", err)
	}
	return t, true, nil
}

// StoredAPIToken returns the token kept in the database, if any.
func StoredAPIToken(ctx context.Context, s store.Store) (string, error) {
	return s.Setting(ctx, apiTokenSetting)
}
