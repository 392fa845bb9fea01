// Package config loads goradius's settings from flags, GORADIUS_*
// environment variables and an optional file, in that order of precedence.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MinAPITokenLength is the shortest API token accepted (django-freeradius's rule).
const MinAPITokenLength = 15

// Config is every setting of goradius.
type Config struct {
	Listen          string
	DB              string
	APIToken        string
	AuthorizeReject bool
	// DisposableRadiusToken deletes a radius user token after one login.
	DisposableRadiusToken bool
	// AccountingAutoGroup fills radacct.groupname on insert from the user's
	// radius group of lowest priority.
	AccountingAutoGroup bool
	TimeZone            *time.Location
	PasswordIterations  int
	BatchPasswordLength int
	BatchMailSubject    string
	BatchMailMessage    string
	BatchMailSender     string
	SMTP                string
	LogFormat           string
	LogLevel            string
	// PprofListen, when set, serves net/http/pprof on that address.
	PprofListen string
	// Metrics says who may read GET /metrics: "open" (anyone), "token"
	// (API token holders) or "off" (not served).
	Metrics string
	// CounterDayStart is when a counter's day begins, after midnight.
	CounterDayStart time.Duration
	// CounterWeekStart is the first day of a counter's week.
	CounterWeekStart time.Weekday
	// TrafficOctetsReply and TrafficGigawordsReply name the reply attributes
	// of the remaining traffic.
	TrafficOctetsReply    string
	TrafficGigawordsReply string
	// StoreNTHash keeps an NT hash beside each new password, for MS-CHAP.
	StoreNTHash bool
	// SendCredentials says when authorize may answer a known-good password
	// for CHAP/MS-CHAP/EAP: "loopback-or-tls", "always" or "never".
	SendCredentials string
	// StaleSessionTimeout, when not zero, makes the server close open
	// sessions with no accounting for that long, every StaleSessionTimeout/10.
	StaleSessionTimeout time.Duration
	// Schedule runs maintenance tasks from the server (see
	// docs/operations.md): every ScheduleInterval, each task that is on.
	ScheduleInterval       time.Duration
	DeactivateExpiredUsers bool
	DeleteOldUsersMonths   int // 0: off
	DeleteOldSessionsDays  int // 0: off
	DeleteOldPostAuthDays  int // 0: off
	// CredentialCacheTTL, when not zero, remembers a password verified
	// against a user's hash for that long (see internal/credcache);
	// CredentialCacheSize bounds the entries.
	CredentialCacheTTL  time.Duration
	CredentialCacheSize int
	// PolicyCacheTTL, when not zero, lets authorize use a user's account,
	// policy and counter usage read less than that long ago (see
	// docs/performance.md); PolicyCacheSize bounds the users kept.
	PolicyCacheTTL  time.Duration
	PolicyCacheSize int
	// AdminTokenLifetime is how long a bearer token of the admin API
	// lives after its login.
	AdminTokenLifetime time.Duration
}

// Group selects which options a command accepts.
type Group int

const (
	// DBOptions are the options of every command that opens the database.
	DBOptions Group = 1 << iota
	// ServeOptions are the options only the server needs.
	ServeOptions
)

type option struct {
	name    string
	env     string // GORADIUS_ + upper-case name with '-' as '_'
	group   Group
	def     string
	help    string
	secret  bool // also readable from <env>_FILE, never printed
	isBool  bool
	apply   func(c *Config, v string) error
	current func(c *Config) string
}

func str(dst func(c *Config) *string) (func(*Config, string) error, func(*Config) string) {
	return func(c *Config, v string) error { *dst(c) = v; return nil },
		func(c *Config) string { return *dst(c) }
}

func boolean(dst func(c *Config) *bool) (func(*Config, string) error, func(*Config) string) {
	return func(c *Config, v string) error {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%q is not a boolean (use true or false)", v)
			}
			*dst(c) = b
			return nil
		}, func(c *Config) string {
			return strconv.FormatBool(*dst(c))
		}
}

func integer(dst func(c *Config) *int, min, max int) (func(*Config, string) error, func(*Config) string) {
	return func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			if n < min || n > max {
				return fmt.Errorf("%d is out of range (%d to %d)", n, min, max)
			}
			*dst(c) = n
			return nil
		}, func(c *Config) string {
			return strconv.Itoa(*dst(c))
		}
}

// cacheTTL parses a cache's lifetime: "0" turns the cache off, else a
// duration from min to max (span says them, example is one).
func cacheTTL(dst func(c *Config) *time.Duration, min, max time.Duration, span, example string) (func(*Config, string) error, func(*Config) string) {
	return func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v == "0" {
				*dst(c) = 0
				return nil
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < min || d > max {
				return fmt.Errorf("%q is not a duration from %s (use 0 to turn the cache off, or e.g. %s)", v, span, example)
			}
			*dst(c) = d
			return nil
		}, func(c *Config) string {
			return dst(c).String()
		}
}

var options = buildOptions()

func buildOptions() []option {
	mk := func(name string, g Group, def, help string, apply func(*Config, string) error, current func(*Config) string) option {
		return option{
			name: name, env: "GORADIUS_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")),
			group: g, def: def, help: help, apply: apply, current: current,
		}
	}
	var opts []option
	add := func(o option) { opts = append(opts, o) }

	a, c := str(func(c *Config) *string { return &c.DB })
	add(mk("db", DBOptions, "sqlite:goradius.db",
		"database URL: sqlite:PATH, postgres://user:pass@host:port/db?sslmode=disable or mysql://user:pass@host:port/db", a, c))
	dbo := &opts[len(opts)-1]
	dbo.secret = true // a URL may hold a password

	a, c = str(func(c *Config) *string { return &c.Listen })
	add(mk("listen", ServeOptions, "127.0.0.1:8000", "address the HTTP API listens on", a, c))

	add(option{name: "counter-day-start", env: "GORADIUS_COUNTER_DAY_START", group: ServeOptions | DBOptions, def: "00:00",
		help: "time of day (HH:MM, in --time-zone) when daily, weekly and monthly counters start again",
		apply: func(c *Config, v string) error {
			t, err := time.Parse("15:04", strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%q is not a time of day (use HH:MM, such as 00:00 or 06:30)", v)
			}
			c.CounterDayStart = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
			return nil
		},
		current: func(c *Config) string {
			return fmt.Sprintf("%02d:%02d", int(c.CounterDayStart.Hours()), int(c.CounterDayStart.Minutes())%60)
		}})
	add(option{name: "counter-week-start", env: "GORADIUS_COUNTER_WEEK_START", group: ServeOptions | DBOptions, def: "monday",
		help: "first day of a week for weekly counters (monday ... sunday)",
		apply: func(c *Config, v string) error {
			for d := time.Sunday; d <= time.Saturday; d++ {
				if strings.EqualFold(strings.TrimSpace(v), d.String()) {
					c.CounterWeekStart = d
					return nil
				}
			}
			return fmt.Errorf("%q is not a day of the week (use monday ... sunday)", v)
		},
		current: func(c *Config) string { return strings.ToLower(c.CounterWeekStart.String()) }})
	a, c = str(func(c *Config) *string { return &c.TrafficOctetsReply })
	add(mk("traffic-reply-octets", ServeOptions|DBOptions, "ChilliSpot-Max-Total-Octets",
		"reply attribute for the remaining traffic (CoovaChilli-Max-Total-Octets, pfSense-Max-Total-Octets ...)", a, c))
	a, c = str(func(c *Config) *string { return &c.TrafficGigawordsReply })
	add(mk("traffic-reply-gigawords", ServeOptions|DBOptions, "ChilliSpot-Max-Total-Gigawords",
		"reply attribute for the remaining traffic's 4 GiB units, sent above 4 GiB", a, c))
	add(option{name: "stale-session-timeout", env: "GORADIUS_STALE_SESSION_TIMEOUT", group: ServeOptions, def: "0",
		help: "close open sessions without accounting for this long (e.g. 24h), checking every tenth of it; 0: never",
		apply: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v == "0" {
				c.StaleSessionTimeout = 0
				return nil
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Minute {
				return fmt.Errorf("%q is not a duration of at least a minute (use 0 to turn it off, or e.g. 90m, 24h)", v)
			}
			c.StaleSessionTimeout = d
			return nil
		},
		current: func(c *Config) string { return c.StaleSessionTimeout.String() }})
	add(option{name: "schedule-interval", env: "GORADIUS_SCHEDULE_INTERVAL", group: ServeOptions, def: "24h",
		help: "how often the server runs the maintenance tasks turned on below (the first run is at start), from 1m",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || d < time.Minute {
				return fmt.Errorf("%q is not a duration of at least a minute (e.g. 1h, 24h)", v)
			}
			c.ScheduleInterval = d
			return nil
		},
		current: func(c *Config) string { return c.ScheduleInterval.String() }})
	a, c = boolean(func(c *Config) *bool { return &c.DeactivateExpiredUsers })
	deactivateOpt := mk("deactivate-expired-users", ServeOptions, "false",
		"on schedule: set inactive the users whose expiration has passed (as 'goradius users deactivate-expired')", a, c)
	deactivateOpt.isBool = true
	add(deactivateOpt)
	a, c = integer(func(c *Config) *int { return &c.DeleteOldUsersMonths }, 0, 1200)
	add(mk("delete-old-users-months", ServeOptions, "0",
		"on schedule: delete users (and batches) expired more than this many months of 30 days ago (as 'goradius users delete-old'); 0: off", a, c))
	a, c = integer(func(c *Config) *int { return &c.DeleteOldSessionsDays }, 0, 36500)
	add(mk("delete-old-sessions-days", ServeOptions, "0",
		"on schedule: delete accounting sessions stopped more than this many days ago (as 'goradius sessions delete-old'); 0: off", a, c))
	a, c = integer(func(c *Config) *int { return &c.DeleteOldPostAuthDays }, 0, 36500)
	add(mk("delete-old-postauth-days", ServeOptions, "0",
		"on schedule: delete post-auth log rows older than this many days (as 'goradius postauth delete-old'); 0: off", a, c))
	add(option{name: "admin-token-lifetime", env: "GORADIUS_ADMIN_TOKEN_LIFETIME", group: ServeOptions, def: "12h",
		help: "how long a token of the admin API (POST /api/v1/admin/login/) lives, from 5m to 8760h",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || d < 5*time.Minute || d > 8760*time.Hour {
				return fmt.Errorf("%q is not a duration from 5m to 8760h (e.g. 12h)", v)
			}
			c.AdminTokenLifetime = d
			return nil
		},
		current: func(c *Config) string { return c.AdminTokenLifetime.String() }})

	a, c = boolean(func(c *Config) *bool { return &c.StoreNTHash })
	ntOpt := mk("store-nt-hash", ServeOptions|DBOptions, "false",
		"keep an NT hash beside every new password so MS-CHAP and PEAP-MSCHAPv2 work (an NT hash is as good as the password to an attacker: see docs/freeradius.md)", a, c)
	ntOpt.isBool = true
	add(ntOpt)
	add(option{name: "send-credentials", env: "GORADIUS_SEND_CREDENTIALS", group: ServeOptions, def: "loopback-or-tls",
		help: "when authorize may answer a known-good password (Cleartext-Password, NT-Password) for CHAP, MS-CHAP and EAP: loopback-or-tls, always or never",
		apply: func(c *Config, v string) error {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "loopback-or-tls", "always", "never":
				c.SendCredentials = v
				return nil
			}
			return fmt.Errorf("%q is not one of loopback-or-tls, always, never", v)
		},
		current: func(c *Config) string { return c.SendCredentials }})

	a, c = str(func(c *Config) *string { return &c.PprofListen })
	add(mk("pprof-listen", ServeOptions, "", "address for Go's pprof profiling endpoints, for diagnosis (keep it on loopback); empty: off", a, c))
	add(option{name: "metrics", env: "GORADIUS_METRICS", group: ServeOptions, def: "open",
		help: "Prometheus metrics at GET /metrics: open (no token; they hold no usernames), token (the API token is needed) or off",
		apply: func(c *Config, v string) error {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "open", "token", "off":
				c.Metrics = v
				return nil
			}
			return fmt.Errorf("%q is not one of open, token, off", v)
		},
		current: func(c *Config) string { return c.Metrics }})

	_, c = str(func(c *Config) *string { return &c.APIToken })
	o := mk("api-token", ServeOptions|DBOptions, "",
		"shared API token FreeRADIUS sends (at least 15 characters); empty: one is generated on first start and kept in the database (print it with 'goradius api-token')",
		func(c *Config, v string) error {
			// Checked here, not in validate, so the message names where the
			// token came from (flag, variable, file line).
			if v != "" && len(v) < MinAPITokenLength {
				return tokenTooShort(len(v))
			}
			c.APIToken = v
			return nil
		}, c)
	o.secret = true
	add(o)

	a, c = boolean(func(c *Config) *bool { return &c.AuthorizeReject })
	o = mk("authorize-reject", ServeOptions, "false",
		"answer a failed authorize with 401 {\"control:Auth-Type\": \"Reject\"} instead of 200 with an empty body", a, c)
	o.isBool = true
	add(o)

	a, c = boolean(func(c *Config) *bool { return &c.DisposableRadiusToken })
	o = mk("disposable-radius-token", ServeOptions, "true", "a radius user token works as a password once, then it is deleted", a, c)
	o.isBool = true
	add(o)

	a, c = boolean(func(c *Config) *bool { return &c.AccountingAutoGroup })
	o = mk("accounting-auto-group", ServeOptions, "true",
		"fill radacct.groupname of a new session from the user's radius group of lowest priority", a, c)
	o.isBool = true
	add(o)

	add(option{name: "time-zone", env: "GORADIUS_TIME_ZONE", group: ServeOptions | DBOptions, def: "UTC",
		help: "time zone of times in API answers and of times sent without an offset (an IANA name such as Europe/Rome)",
		apply: func(c *Config, v string) error {
			loc, err := time.LoadLocation(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("unknown time zone %q (use an IANA name such as UTC or Europe/Rome)", v)
			}
			c.TimeZone = loc
			return nil
		},
		current: func(c *Config) string {
			if c.TimeZone == nil {
				return ""
			}
			return c.TimeZone.String()
		}})

	a, c = integer(func(c *Config) *int { return &c.PasswordIterations }, 1000, 100_000_000)
	add(mk("password-iterations", ServeOptions|DBOptions, "260000",
		"PBKDF2-SHA256 iterations of newly set passwords (Django-compatible)", a, c))

	a, c = cacheTTL(func(c *Config) *time.Duration { return &c.CredentialCacheTTL }, time.Second, 24*time.Hour, "1s to 24h", "10m")
	add(mk("credential-cache-ttl", ServeOptions, "0",
		"remember a password verified against a user's hash for this long (e.g. 10m), so repeated logins skip PBKDF2; 0: off (see docs/performance.md for the trade-off)", a, c))
	a, c = integer(func(c *Config) *int { return &c.CredentialCacheSize }, 1, 10000000)
	add(mk("credential-cache-size", ServeOptions, "10000", "most credentials the cache keeps (about 100 bytes each)", a, c))

	a, c = cacheTTL(func(c *Config) *time.Duration { return &c.PolicyCacheTTL }, time.Millisecond, time.Minute, "1ms to 1m", "1s")
	add(mk("policy-cache-ttl", ServeOptions, "0",
		"let authorize use a user's account, policy and counter usage read less than this long ago (e.g. 1s); "+
			"writes through this server apply at once, other programs' after at most this long; 0: off (see docs/performance.md)", a, c))
	a, c = integer(func(c *Config) *int { return &c.PolicyCacheSize }, 1, 10000000)
	add(mk("policy-cache-size", ServeOptions, "4096", "most users the policy cache keeps (about 1 KB each)", a, c))

	a, c = integer(func(c *Config) *int { return &c.BatchPasswordLength }, 4, 128)
	add(mk("batch-password-length", ServeOptions|DBOptions, "8", "length of generated passwords", a, c))

	a, c = str(func(c *Config) *string { return &c.BatchMailSubject })
	add(mk("batch-mail-subject", ServeOptions|DBOptions, "Credentials", "subject of the e-mail sent with a generated password", a, c))

	a, c = str(func(c *Config) *string { return &c.BatchMailMessage })
	add(mk("batch-mail-message", ServeOptions|DBOptions, "username: {}, password: {}",
		"body of that e-mail: {username} and {password}, or two {} in that order", a, c))

	a, c = str(func(c *Config) *string { return &c.BatchMailSender })
	add(mk("batch-mail-sender", ServeOptions|DBOptions, "webmaster@localhost", "sender address of that e-mail", a, c))

	a, c = str(func(c *Config) *string { return &c.SMTP })
	o = mk("smtp", ServeOptions|DBOptions, "",
		"SMTP server for e-mails: smtp://[user:pass@]host[:port] or smtps://...; empty: e-mails are written to the log", a, c)
	o.secret = true
	add(o)

	add(option{name: "log-format", env: "GORADIUS_LOG_FORMAT", group: ServeOptions | DBOptions, def: "text",
		help: "log format: text or json",
		apply: func(c *Config, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			if v != "text" && v != "json" {
				return fmt.Errorf("%q is not a log format (use text or json)", v)
			}
			c.LogFormat = v
			return nil
		},
		current: func(c *Config) string { return c.LogFormat }})

	add(option{name: "log-level", env: "GORADIUS_LOG_LEVEL", group: ServeOptions | DBOptions, def: "info",
		help: "log level: debug, info, warn or error",
		apply: func(c *Config, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			switch v {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return fmt.Errorf("%q is not a log level (use debug, info, warn or error)", v)
		},
		current: func(c *Config) string { return c.LogLevel }})
	return opts
}

// Loader binds the options of a command to a FlagSet and resolves them.
type Loader struct {
	group  Group
	values map[string]*flagValue
	config *string
}

// flagValue records a flag's raw value and whether it was given.
type flagValue struct {
	opt *option
	set bool
	raw string
}

func (f *flagValue) String() string { return f.raw }
func (f *flagValue) Set(v string) error {
	f.raw, f.set = v, true
	return nil
}
func (f *flagValue) IsBoolFlag() bool { return f.opt.isBool }

// Register adds the options of group g, and --config, to fs.
func Register(fs *flag.FlagSet, g Group) *Loader {
	l := &Loader{group: g, values: map[string]*flagValue{}}
	for i := range options {
		o := &options[i]
		if o.group&g == 0 {
			continue
		}
		v := &flagValue{opt: o}
		l.values[o.name] = v
		help := o.help + " (env " + o.env
		if o.secret {
			help += ", or " + o.env + "_FILE"
		}
		help += ")"
		fs.Var(v, o.name, help)
		if o.def != "" {
			f := fs.Lookup(o.name)
			f.DefValue = o.def
		}
	}
	l.config = fs.String("config", "", "file of settings, one 'name = value' per line with the flag names above (env GORADIUS_CONFIG)")
	return l
}

// Load resolves every registered option: flag, then environment, then the
// config file, then the default.
func (l *Loader) Load(getenv func(string) string) (*Config, error) {
	c := &Config{}
	file := map[string]fileValue{}
	path, from := *l.config, "--config"
	if path == "" {
		path, from = getenv("GORADIUS_CONFIG"), "GORADIUS_CONFIG"
	}
	if path != "" {
		var err error
		if file, err = readFile(path, from); err != nil {
			return nil, err
		}
	}
	// In line order, so the first mistake of the file is the one reported.
	names := make([]string, 0, len(file))
	for name := range file {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return file[names[i]].line < file[names[j]].line })
	for _, name := range names {
		if _, ok := l.values[name]; !ok && !knownOption(name) {
			return nil, fmt.Errorf("config file %s line %d: unknown setting %q (settings are the flag names of 'goradius serve --help', without --)",
				path, file[name].line, name)
		}
	}
	for i := range options {
		o := &options[i]
		v, ok := l.values[o.name]
		if !ok {
			// Not an option of this command: keep the default so the Config
			// is complete.
			if err := o.apply(c, o.def); err != nil {
				return nil, fmt.Errorf("default of --%s: %w", o.name, err)
			}
			continue
		}
		raw, src, err := resolve(o, v, getenv, file, path)
		if err != nil {
			return nil, err
		}
		if err := o.apply(c, raw); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func knownOption(name string) bool {
	for _, o := range options {
		if o.name == name {
			return true
		}
	}
	return false
}

func resolve(o *option, v *flagValue, getenv func(string) string, file map[string]fileValue, path string) (raw, src string, err error) {
	if v.set {
		return v.raw, "--" + o.name, nil
	}
	if e := getenv(o.env); e != "" {
		return e, o.env, nil
	}
	if o.secret {
		if f := getenv(o.env + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", "", fmt.Errorf("%s_FILE: %w", o.env, err)
			}
			return strings.TrimRight(string(b), "\r\n"), o.env + "_FILE", nil
		}
	}
	if fv, ok := file[o.name]; ok {
		return fv.value, fmt.Sprintf("config file %s line %d (%s)", path, fv.line, o.name), nil
	}
	return o.def, "default of --" + o.name, nil
}

func tokenTooShort(n int) error {
	return fmt.Errorf("the API token is %d characters long; it must have at least %d (a hard to guess value of letters and digits)",
		n, MinAPITokenLength)
}

func (c *Config) validate() error {
	if c.APIToken != "" && len(c.APIToken) < MinAPITokenLength {
		return tokenTooShort(len(c.APIToken))
	}
	if strings.TrimSpace(c.DB) == "" {
		return errors.New("no database: set --db or GORADIUS_DB (for example sqlite:goradius.db)")
	}
	return nil
}

// fileValue is a setting of the config file and the line it is on.
type fileValue struct {
	value string
	line  int
}

// readFile parses 'name = value' lines; '#' starts a comment line and values
// may be quoted. from is where the path came from (--config or
// GORADIUS_CONFIG), for the message when the file cannot be read.
func readFile(path, from string) (map[string]fileValue, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file (%s): %w", from, err)
	}
	out := map[string]fileValue{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("config file %s line %d: expected 'name = value', got %q", path, n, line)
		}
		name = strings.TrimSpace(name)
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			if value[0] == '"' {
				uq, err := strconv.Unquote(value)
				if err != nil {
					return nil, fmt.Errorf("config file %s line %d: bad quoted value: %w", path, n, err)
				}
				value = uq
			} else {
				value = value[1 : len(value)-1]
			}
		}
		out[name] = fileValue{value: value, line: n}
	}
	return out, sc.Err()
}

// Describe writes every setting of the group and its effective value, with
// secrets hidden.
func (c *Config) Describe(w io.Writer, g Group) {
	var names []string
	byName := map[string]*option{}
	for i := range options {
		if options[i].group&g != 0 {
			names = append(names, options[i].name)
			byName[options[i].name] = &options[i]
		}
	}
	sort.Strings(names)
	for _, n := range names {
		o := byName[n]
		v := o.current(c)
		if o.secret && v != "" {
			v = "(set)"
		}
		fmt.Fprintf(w, "%-24s %s\n", n, v)
	}
}
