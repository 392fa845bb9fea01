package config_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/config"
)

// load registers the options of g on a fresh FlagSet, parses args and
// resolves the settings with env as the environment.
func load(t *testing.T, g config.Group, args []string, env map[string]string) (*config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l := config.Register(fs, g)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parsing %q: %v", args, err)
	}
	if fs.NArg() != 0 {
		t.Fatalf("parsing %q left arguments %q", args, fs.Args())
	}
	return l.Load(func(k string) string { return env[k] })
}

func mustLoad(t *testing.T, g config.Group, args []string, env map[string]string) *config.Config {
	t.Helper()
	c, err := load(t, g, args, env)
	if err != nil {
		t.Fatalf("Load(%q, env %v): %v", args, env, err)
	}
	return c
}

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const all = config.ServeOptions | config.DBOptions

func TestDefaults(t *testing.T) {
	c := mustLoad(t, all, nil, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"Listen", c.Listen, "127.0.0.1:8000"},
		{"DB", c.DB, "sqlite:goradius.db"},
		{"APIToken", c.APIToken, ""},
		{"AuthorizeReject", c.AuthorizeReject, false},
		{"DisposableRadiusToken", c.DisposableRadiusToken, true},
		{"AccountingAutoGroup", c.AccountingAutoGroup, true},
		{"TimeZone", c.TimeZone.String(), "UTC"},
		{"PasswordIterations", c.PasswordIterations, 260000},
		{"BatchPasswordLength", c.BatchPasswordLength, 8},
		{"BatchMailSubject", c.BatchMailSubject, "Credentials"},
		{"BatchMailMessage", c.BatchMailMessage, "username: {}, password: {}"},
		{"BatchMailSender", c.BatchMailSender, "webmaster@localhost"},
		{"SMTP", c.SMTP, ""},
		{"LogFormat", c.LogFormat, "text"},
		{"LogLevel", c.LogLevel, "info"},
		{"PprofListen", c.PprofListen, ""},
		{"CredentialCacheTTL", c.CredentialCacheTTL, time.Duration(0)},
		{"PolicyCacheTTL", c.PolicyCacheTTL, time.Duration(0)},
		{"PolicyCacheSize", c.PolicyCacheSize, 4096},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestPrecedence checks flag > environment > file > default for a string,
// a boolean, an integer and a time zone. Each layer sets a value different
// from the layer below it, so a skipped layer shows.
func TestPrecedence(t *testing.T) {
	file := writeFile(t, "goradius.conf", `# settings
listen = 10.0.0.1:1001
disposable-radius-token = false
password-iterations = 2000
time-zone = Europe/Rome
`)
	env := map[string]string{
		"GORADIUS_LISTEN":                  "10.0.0.2:1002",
		"GORADIUS_DISPOSABLE_RADIUS_TOKEN": "true",
		"GORADIUS_PASSWORD_ITERATIONS":     "3000",
		"GORADIUS_TIME_ZONE":               "America/New_York",
	}
	flags := []string{
		"--listen", "10.0.0.3:1003",
		"--disposable-radius-token=false",
		"--password-iterations", "4000",
		"--time-zone", "Asia/Tokyo",
	}
	type want struct {
		listen     string
		disposable bool
		iterations int
		zone       string
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want want
	}{
		{"default", nil, nil, want{"127.0.0.1:8000", true, 260000, "UTC"}},
		{"file over default", []string{"--config", file}, nil, want{"10.0.0.1:1001", false, 2000, "Europe/Rome"}},
		{"env over file", []string{"--config", file}, env, want{"10.0.0.2:1002", true, 3000, "America/New_York"}},
		{"flag over env", append([]string{"--config", file}, flags...), env, want{"10.0.0.3:1003", false, 4000, "Asia/Tokyo"}},
		{"flag over file", append([]string{"--config", file}, flags...), nil, want{"10.0.0.3:1003", false, 4000, "Asia/Tokyo"}},
		{"env over default", nil, env, want{"10.0.0.2:1002", true, 3000, "America/New_York"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, all, tc.args, tc.env)
			got := want{c.Listen, c.DisposableRadiusToken, c.PasswordIterations, c.TimeZone.String()}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestBoolFlagWithoutValue(t *testing.T) {
	c := mustLoad(t, all, []string{"--authorize-reject"}, map[string]string{"GORADIUS_AUTHORIZE_REJECT": "false"})
	if !c.AuthorizeReject {
		t.Error("--authorize-reject alone did not turn it on")
	}
	c = mustLoad(t, all, nil, map[string]string{"GORADIUS_AUTHORIZE_REJECT": "1"})
	if !c.AuthorizeReject {
		t.Error("GORADIUS_AUTHORIZE_REJECT=1 did not turn it on")
	}
}

func TestConfigFileFromEnvironment(t *testing.T) {
	envFile := writeFile(t, "env.conf", "listen = 127.0.0.1:7001\nbatch-mail-sender = env-file@example.com\n")
	flagFile := writeFile(t, "flag.conf", "listen = 127.0.0.1:7002\n")

	c := mustLoad(t, all, nil, map[string]string{"GORADIUS_CONFIG": envFile})
	if c.Listen != "127.0.0.1:7001" || c.BatchMailSender != "env-file@example.com" {
		t.Errorf("GORADIUS_CONFIG file not read: listen %q sender %q", c.Listen, c.BatchMailSender)
	}

	// --config names the file in place of GORADIUS_CONFIG (the files are
	// not merged).
	c = mustLoad(t, all, []string{"--config", flagFile}, map[string]string{"GORADIUS_CONFIG": envFile})
	if c.Listen != "127.0.0.1:7002" {
		t.Errorf("--config did not win over GORADIUS_CONFIG: listen %q", c.Listen)
	}
	if c.BatchMailSender != "webmaster@localhost" {
		t.Errorf("GORADIUS_CONFIG file read although --config was given: sender %q", c.BatchMailSender)
	}
}

func TestSecretFiles(t *testing.T) {
	const token = "0123456789abcdefghij"
	tokenFile := writeFile(t, "token", token+"\n")
	crlfFile := writeFile(t, "token-crlf", token+"\r\n")
	dbFile := writeFile(t, "db", "postgres://goradius:s3cret@db.example:5432/radius?sslmode=disable\n")
	smtpFile := writeFile(t, "smtp", "smtp://mailer:pw@mail.example:587\n")

	c := mustLoad(t, all, nil, map[string]string{
		"GORADIUS_API_TOKEN_FILE": tokenFile,
		"GORADIUS_DB_FILE":        dbFile,
		"GORADIUS_SMTP_FILE":      smtpFile,
	})
	if c.APIToken != token {
		t.Errorf("APIToken = %q, want %q (trailing newline trimmed)", c.APIToken, token)
	}
	if c.DB != "postgres://goradius:s3cret@db.example:5432/radius?sslmode=disable" {
		t.Errorf("DB = %q", c.DB)
	}
	if c.SMTP != "smtp://mailer:pw@mail.example:587" {
		t.Errorf("SMTP = %q", c.SMTP)
	}

	c = mustLoad(t, all, nil, map[string]string{"GORADIUS_API_TOKEN_FILE": crlfFile})
	if c.APIToken != token {
		t.Errorf("APIToken from a CRLF file = %q, want %q", c.APIToken, token)
	}

	// The plain variable and the flag win over _FILE; _FILE wins over the
	// config file.
	conf := writeFile(t, "goradius.conf", "api-token = from-the-config-file\ndb = sqlite:conf.db\n")
	c = mustLoad(t, all, []string{"--config", conf}, map[string]string{"GORADIUS_API_TOKEN_FILE": tokenFile, "GORADIUS_DB_FILE": dbFile})
	if c.APIToken != token || !strings.HasPrefix(c.DB, "postgres://") {
		t.Errorf("_FILE did not win over the config file: token %q db %q", c.APIToken, c.DB)
	}
	c = mustLoad(t, all, nil, map[string]string{"GORADIUS_API_TOKEN_FILE": tokenFile, "GORADIUS_API_TOKEN": "from-the-environment"})
	if c.APIToken != "from-the-environment" {
		t.Errorf("GORADIUS_API_TOKEN did not win over its _FILE: %q", c.APIToken)
	}
	c = mustLoad(t, all, []string{"--db", "sqlite:flag.db"}, map[string]string{"GORADIUS_DB_FILE": dbFile})
	if c.DB != "sqlite:flag.db" {
		t.Errorf("--db did not win over GORADIUS_DB_FILE: %q", c.DB)
	}

	// A missing secret file is an error naming the variable.
	missing := filepath.Join(t.TempDir(), "no-such-token")
	_, err := load(t, all, nil, map[string]string{"GORADIUS_API_TOKEN_FILE": missing})
	if err == nil || !strings.Contains(err.Error(), "GORADIUS_API_TOKEN_FILE") || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing GORADIUS_API_TOKEN_FILE: err = %v, want one naming the variable and the file", err)
	}
	// A too short token in a file is refused like any other.
	short := writeFile(t, "short", "tiny\n")
	_, err = load(t, all, nil, map[string]string{"GORADIUS_API_TOKEN_FILE": short})
	if err == nil || !strings.Contains(err.Error(), "GORADIUS_API_TOKEN_FILE") || !strings.Contains(err.Error(), "15") {
		t.Errorf("short token in GORADIUS_API_TOKEN_FILE: err = %v", err)
	}
}

func TestErrors(t *testing.T) {
	// Each bad file puts its mistake on line 3, after a comment and a valid line.
	badFile := func(line string) string {
		return writeFile(t, "goradius.conf", "# goradius settings\nlisten = 127.0.0.1:9000\n"+line+"\n")
	}
	missing := filepath.Join(t.TempDir(), "missing.conf")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string // substrings of the error
		hide string   // must not appear in the error
	}{
		{name: "bad boolean flag", args: []string{"--authorize-reject=maybe"},
			want: []string{"--authorize-reject", `"maybe"`, "not a boolean"}},
		{name: "bad boolean env", env: map[string]string{"GORADIUS_ACCOUNTING_AUTO_GROUP": "yes please"},
			want: []string{"GORADIUS_ACCOUNTING_AUTO_GROUP", `"yes please"`, "not a boolean"}},
		{name: "bad boolean file", args: []string{"--config", badFile("disposable-radius-token = sometimes")},
			want: []string{"goradius.conf", "line 3", "disposable-radius-token", `"sometimes"`, "not a boolean"}},
		{name: "bad integer flag", args: []string{"--password-iterations", "12x"},
			want: []string{"--password-iterations", `"12x"`, "not a whole number"}},
		{name: "bad integer env", env: map[string]string{"GORADIUS_BATCH_PASSWORD_LENGTH": "eight"},
			want: []string{"GORADIUS_BATCH_PASSWORD_LENGTH", `"eight"`, "not a whole number"}},
		{name: "bad integer file", args: []string{"--config", badFile("password-iterations = 1e6")},
			want: []string{"line 3", "password-iterations", `"1e6"`, "not a whole number"}},
		{name: "integer too small", args: []string{"--password-iterations=999"},
			want: []string{"--password-iterations", "999", "out of range", "1000"}},
		{name: "integer too large", env: map[string]string{"GORADIUS_BATCH_PASSWORD_LENGTH": "129"},
			want: []string{"GORADIUS_BATCH_PASSWORD_LENGTH", "129", "out of range", "4 to 128"}},
		{name: "integer out of range in file", args: []string{"--config", badFile("batch-password-length = 3")},
			want: []string{"line 3", "batch-password-length", "out of range"}},
		{name: "cache TTL not a duration", args: []string{"--policy-cache-ttl", "soon"},
			want: []string{"--policy-cache-ttl", `"soon"`, "not a duration from 1ms to 1m", "0 to turn the cache off"}},
		{name: "cache TTL too long", env: map[string]string{"GORADIUS_POLICY_CACHE_TTL": "5m"},
			want: []string{"GORADIUS_POLICY_CACHE_TTL", `"5m"`, "1ms to 1m"}},
		{name: "credential cache TTL too short", args: []string{"--credential-cache-ttl=500ms"},
			want: []string{"--credential-cache-ttl", `"500ms"`, "1s to 24h"}},
		{name: "unknown time zone flag", args: []string{"--time-zone", "Mars/Olympus_Mons"},
			want: []string{"--time-zone", "unknown time zone", "Mars/Olympus_Mons"}},
		{name: "unknown time zone env", env: map[string]string{"GORADIUS_TIME_ZONE": "Europe/Atlantis"},
			want: []string{"GORADIUS_TIME_ZONE", "unknown time zone", "Europe/Atlantis"}},
		{name: "unknown setting in file", args: []string{"--config", badFile("colour = blue")},
			want: []string{"goradius.conf", "line 3", "unknown setting", `"colour"`}},
		{name: "malformed line", args: []string{"--config", badFile("listen 127.0.0.1:9001")},
			want: []string{"goradius.conf", "line 3", "expected 'name = value'", "listen 127.0.0.1:9001"}},
		{name: "bad quoted value", args: []string{"--config", badFile(`batch-mail-subject = "bad \q escape"`)},
			want: []string{"goradius.conf", "line 3", "quoted"}},
		{name: "short token flag", args: []string{"--api-token", "abc123"},
			want: []string{"--api-token", "6 characters", "at least 15"}, hide: "abc123"},
		{name: "short token env", env: map[string]string{"GORADIUS_API_TOKEN": "fourteen-chars"},
			want: []string{"GORADIUS_API_TOKEN", "14 characters", "at least 15"}, hide: "fourteen-chars"},
		{name: "short token file", args: []string{"--config", badFile("api-token = 'tiny-token'")},
			want: []string{"line 3", "api-token", "10 characters", "at least 15"}, hide: "tiny-token"},
		{name: "missing file flag", args: []string{"--config", missing},
			want: []string{"--config", missing}},
		{name: "missing file env", env: map[string]string{"GORADIUS_CONFIG": missing},
			want: []string{"GORADIUS_CONFIG", missing}},
		{name: "bad log format", args: []string{"--log-format", "xml"},
			want: []string{"--log-format", `"xml"`, "text or json"}},
		{name: "bad log level", env: map[string]string{"GORADIUS_LOG_LEVEL": "loud"},
			want: []string{"GORADIUS_LOG_LEVEL", `"loud"`, "debug, info, warn or error"}},
		{name: "empty database", args: []string{"--db", " "},
			want: []string{"no database", "--db"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, all, tc.args, tc.env)
			if err == nil {
				t.Fatalf("Load succeeded (%+v), want an error", c)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if tc.hide != "" && strings.Contains(msg, tc.hide) {
				t.Errorf("error %q reveals the secret %q", msg, tc.hide)
			}
		})
	}
}

func TestMinimumTokenLength(t *testing.T) {
	token := strings.Repeat("x", config.MinAPITokenLength)
	c := mustLoad(t, all, []string{"--api-token", token}, nil)
	if c.APIToken != token {
		t.Errorf("APIToken = %q, want %q", c.APIToken, token)
	}
	if _, err := load(t, all, []string{"--api-token", token[1:]}, nil); err == nil {
		t.Errorf("a %d-character token was accepted", len(token)-1)
	}
}

func TestFileSyntax(t *testing.T) {
	file := writeFile(t, "goradius.conf", `
# a comment
   # an indented comment

listen=127.0.0.1:9100
batch-mail-subject = "Your \"Wi-Fi\" credentials"
batch-mail-message = 'user {username} # not a comment, pass {password}'
batch-mail-sender =   "  padded@example.com  "
smtp = smtp://user:p=w@mail.example:587?starttls=required
time-zone = "Europe/Rome"
authorize-reject = "true"
log-level = DEBUG
`)
	c := mustLoad(t, all, []string{"--config", file}, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"Listen", c.Listen, "127.0.0.1:9100"},
		{"BatchMailSubject", c.BatchMailSubject, `Your "Wi-Fi" credentials`},
		{"BatchMailMessage", c.BatchMailMessage, "user {username} # not a comment, pass {password}"},
		{"BatchMailSender", c.BatchMailSender, "  padded@example.com  "},
		{"SMTP", c.SMTP, "smtp://user:p=w@mail.example:587?starttls=required"},
		{"TimeZone", c.TimeZone.String(), "Europe/Rome"},
		{"AuthorizeReject", c.AuthorizeReject, true},
		{"LogLevel", c.LogLevel, "debug"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
}

// TestGroups checks that a command registers only its options, yet accepts
// a settings file shared with serve.
func TestGroups(t *testing.T) {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	config.Register(fs, config.DBOptions)
	for _, name := range []string{"db", "config", "api-token", "password-iterations", "time-zone"} {
		if fs.Lookup(name) == nil {
			t.Errorf("a database command lacks --%s", name)
		}
	}
	for _, name := range []string{"listen", "authorize-reject", "pprof-listen", "disposable-radius-token"} {
		if fs.Lookup(name) != nil {
			t.Errorf("a database command has the serve-only flag --%s", name)
		}
	}

	file := writeFile(t, "shared.conf", "listen = 127.0.0.1:9200\nauthorize-reject = true\ndb = sqlite:shared.db\n")
	c := mustLoad(t, config.DBOptions, []string{"--config", file}, nil)
	if c.DB != "sqlite:shared.db" {
		t.Errorf("DB = %q, want the file's", c.DB)
	}
	// Serve-only settings keep their defaults, so the Config is complete.
	if c.Listen != "127.0.0.1:8000" || c.AuthorizeReject || !c.DisposableRadiusToken {
		t.Errorf("serve-only settings of a database command: %+v", c)
	}
	// A serve-only flag is not accepted by a database command.
	fs = flag.NewFlagSet("user", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	config.Register(fs, config.DBOptions)
	if err := fs.Parse([]string{"--listen", "127.0.0.1:1"}); err == nil {
		t.Error("--listen accepted by a database command")
	}
}

func TestHelpNamesEnvironment(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	config.Register(fs, all)
	fs.PrintDefaults()
	help := out.String()
	for _, want := range []string{
		"GORADIUS_LISTEN", "GORADIUS_DB_FILE", "GORADIUS_API_TOKEN_FILE", "GORADIUS_SMTP_FILE",
		"GORADIUS_CONFIG", "(default 127.0.0.1:8000)", "(default 260000)",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "GORADIUS_LISTEN_FILE") {
		t.Error("help offers _FILE for a setting that is not a secret")
	}
}

func TestDescribeHidesSecrets(t *testing.T) {
	c := mustLoad(t, all, []string{
		"--api-token", "super-secret-token-value",
		"--db", "postgres://goradius:dbpassword@db.example/radius",
		"--smtp", "smtp://mailer:smtppassword@mail.example:587",
		"--listen", "127.0.0.1:9300",
		"--time-zone", "Europe/Rome",
	}, nil)
	var out bytes.Buffer
	c.Describe(&out, all)
	s := out.String()
	for _, secret := range []string{"super-secret-token-value", "dbpassword", "smtppassword", "mailer", "db.example"} {
		if strings.Contains(s, secret) {
			t.Errorf("Describe reveals %q:\n%s", secret, s)
		}
	}
	lines := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		name, value, _ := strings.Cut(line, " ")
		lines[name] = strings.TrimSpace(value)
	}
	for name, want := range map[string]string{
		"api-token": "(set)", "db": "(set)", "smtp": "(set)", "listen": "127.0.0.1:9300",
		"time-zone": "Europe/Rome", "password-iterations": "260000", "authorize-reject": "false",
	} {
		if got, ok := lines[name]; !ok || got != want {
			t.Errorf("Describe: %s = %q (present %v), want %q\n%s", name, got, ok, want, s)
		}
	}

	// An unset secret is shown as empty, not "(set)"; a database command's
	// description leaves out serve-only settings.
	c = mustLoad(t, config.DBOptions, nil, nil)
	out.Reset()
	c.Describe(&out, config.DBOptions)
	s = out.String()
	if strings.Contains(s, "listen") {
		t.Errorf("DBOptions description lists listen:\n%s", s)
	}
	for _, line := range strings.Split(s, "\n") {
		if name, value, _ := strings.Cut(line, " "); (name == "api-token" || name == "smtp") && strings.TrimSpace(value) != "" {
			t.Errorf("unset secret described as %q", line)
		}
	}
}
