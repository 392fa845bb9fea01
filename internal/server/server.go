// Package server assembles goradius's HTTP handler from its configuration
// and store: the FreeRADIUS endpoints, the integration API and /healthz.
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

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/api"
	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/rlmrest"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// apiTokenSetting is where a generated API token is kept in the database.
const apiTokenSetting = "api_token"

// Deps are what the server is built from. Now and Mail are optional.
type Deps struct {
	Config *config.Config
	Store  store.Store
	Log    *slog.Logger
	Now    func() time.Time
	Mail   mail.Sender
}

// New returns the complete HTTP handler. The API token must be resolved
// already (see APIToken).
func New(d Deps, apiToken string) http.Handler {
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

	mux := http.NewServeMux()
	(&rlmrest.Handler{AAA: svc, Store: d.Store, AuthorizeReject: c.AuthorizeReject, SendCredentials: c.SendCredentials, TimeZone: c.TimeZone, Log: log}).
		Register(mux, guard)
	(&api.Handler{AAA: svc, Users: us, Store: d.Store, TimeZone: c.TimeZone, Log: log}).Register(mux, guard)
	mux.HandleFunc("GET /healthz", health(d.Store))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httpx.Detail(w, http.StatusNotFound, "Not found.")
	})
	return httpx.Logging(log, httpx.Recover(mux))
}

// NewAAA builds the authorize/accounting service from the configuration.
func NewAAA(d Deps) *aaa.Service {
	c := d.Config
	return &aaa.Service{
		Store: d.Store, Now: d.Now, Log: d.Log,
		DisposableRadiusToken: c.DisposableRadiusToken, AccountingAutoGroup: c.AccountingAutoGroup,
		Counters: Counters(c),
	}
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
