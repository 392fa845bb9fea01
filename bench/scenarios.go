package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Names of the limits a scenario is compared with.
const (
	limitHTTP     = "limit-http"
	limitPBKDF2   = "limit-pbkdf2"
	limitDBInsert = "limit-db-insert"
	limitDBUpdate = "limit-db-update"
)

// target is what a scenario should reach, on top of the targets every
// scenario has (no error, server RSS at most maxRSSMB).
type target struct {
	minRatio float64       // rate / limit at least this (0: none)
	minRate  float64       // requests/s at least this (0: none)
	maxP50   time.Duration // 0: none
	maxP99   time.Duration
	label    string // replaces the description made of the above
}

// maxRSSMB is the target for the server's peak RSS in every scenario.
const maxRSSMB = 60

func (t target) String() string {
	if t.label != "" {
		return t.label
	}
	var parts []string
	if t.minRatio > 0 {
		parts = append(parts, fmt.Sprintf(">= %.2fx", t.minRatio))
	}
	if t.minRate > 0 {
		parts = append(parts, ">= "+formatRate(t.minRate)+"/s")
	}
	if t.maxP50 > 0 {
		parts = append(parts, "p50 <= "+formatDuration(t.maxP50))
	}
	if t.maxP99 > 0 {
		parts = append(parts, "p99 <= "+formatDuration(t.maxP99))
	}
	return strings.Join(parts, ", ")
}

// scenario is one kind of traffic against goradius.
type scenario struct {
	name  string
	about string
	// concurrency overrides -concurrency when not 0.
	concurrency int
	// limit names the limit the rate is compared with ("" for none), per
	// backend.
	limit  func(backend string) string
	target func(backend string) target
	load   func(e *scenarioEnv) workload
}

// scenarioEnv is what workloads are made of.
type scenarioEnv struct {
	d     *dataset
	nonce string // makes new unique ids unique across runs
}

func always(s string) func(string) string { return func(string) string { return s } }
func fixed(t target) func(string) target  { return func(string) target { return t } }

// accountingTarget: SQLite at least 5,000 requests/s; a server database at
// least the database's own single-row upsert rate.
func accountingTarget(backend string) target {
	if backend == "sqlite" {
		return target{minRate: 5000}
	}
	return target{minRatio: 1.0}
}

func accountingLimit(kind string) func(string) string {
	return func(backend string) string {
		if backend == "sqlite" {
			return ""
		}
		return kind
	}
}

var listTarget = target{maxP50: 5 * time.Millisecond, maxP99: 20 * time.Millisecond}

// scenarios returns every scenario, in the order they run: reads first,
// so that they see the data set as loaded, then the writes.
func scenarios(pbkdf2Concurrency int) []scenario {
	return []scenario{
		{
			name:   "authorize-unknown",
			about:  "POST /api/v1/authorize/ for a user that does not exist: 200, empty body",
			limit:  always(limitHTTP),
			target: fixed(target{minRatio: 0.5}),
			load:   authorizeUnknown,
		},
		{
			name: "authorize-token",
			about: "POST /api/v1/authorize/ with a fresh radius user token as the password, of a user " +
				"who also has a pbkdf2_sha256 password: 200 Accept, the token is consumed",
			limit:  always(limitHTTP),
			target: fixed(target{minRatio: 0.5}),
			load:   func(e *scenarioEnv) workload { return authorizeToken(e, "tok", tokenName) },
		},
		{
			name: "authorize-token-nopw",
			about: "the same for users with Django's unusable password (\"!...\", as social or SMS " +
				"sign-up leaves): the token path without a PBKDF2 check",
			limit:  always(limitHTTP),
			target: fixed(target{minRatio: 0.5}),
			load:   func(e *scenarioEnv) workload { return authorizeToken(e, "sso", ssoName) },
		},
		{
			name:        "authorize-pbkdf2",
			about:       "POST /api/v1/authorize/ with the right password, pbkdf2_sha256 260000: 200 Accept",
			concurrency: pbkdf2Concurrency,
			limit:       always(limitPBKDF2),
			target:      fixed(target{minRatio: 0.95}),
			load:        authorizePBKDF2,
		},
		{
			name: "authorize-cached",
			about: "POST /api/v1/authorize/ with the right password, the same few users again and again, " +
				"with the server's credential and policy caches on (--credential-cache-ttl 10m, " +
				"--policy-cache-ttl 1s): 200 Accept",
			limit:  always(limitHTTP),
			target: fixed(target{minRatio: 0.3}),
			load:   authorizeCached,
		},
		{
			name:   "acct-list-user",
			about:  "GET /api/v1/accounting/?username=U, first page, U having 1% of the rows",
			limit:  always(""),
			target: fixed(listTarget),
			load: func(e *scenarioEnv) workload {
				return listAccounting(e, "username="+e.d.heavyUser, e.d.heavyRows, false)
			},
		},
		{
			name:   "acct-list-user-deep",
			about:  "the same, page=500&page_size=10 (or the last page when there are fewer)",
			limit:  always(""),
			target: fixed(listTarget),
			load: func(e *scenarioEnv) workload {
				return listAccounting(e, "username="+e.d.heavyUser, e.d.heavyRows, true)
			},
		},
		{
			name:   "acct-list-open",
			about:  "GET /api/v1/accounting/?is_open=true, first page (5% of the rows are open)",
			limit:  always(""),
			target: fixed(listTarget),
			load:   func(e *scenarioEnv) workload { return listAccounting(e, "is_open=true", len(e.d.open), false) },
		},
		{
			name:   "acct-list-open-deep",
			about:  "the same, page=500&page_size=10 (or the last page when there are fewer)",
			limit:  always(""),
			target: fixed(listTarget),
			load:   func(e *scenarioEnv) workload { return listAccounting(e, "is_open=true", len(e.d.open), true) },
		},
		{
			name:   "acct-start",
			about:  "POST /api/v1/accounting/ Start of a new session (new unique_id): 201",
			limit:  accountingLimit(limitDBInsert),
			target: accountingTarget,
			load:   accountingStart,
		},
		{
			name:   "acct-interim",
			about:  "POST /api/v1/accounting/ Interim-Update of an open session of the data set: 200",
			limit:  accountingLimit(limitDBUpdate),
			target: accountingTarget,
			load:   func(e *scenarioEnv) workload { return accountingUpdate(e, "Interim-Update") },
		},
		{
			name:   "acct-stop",
			about:  "POST /api/v1/accounting/ Stop of an open session of the data set: 200",
			limit:  accountingLimit(limitDBUpdate),
			target: accountingTarget,
			load:   func(e *scenarioEnv) workload { return accountingUpdate(e, "Stop") },
		},
	}
}

// selectScenarios keeps the scenarios named in filter (comma-separated;
// a name also selects the names it is a prefix of), all when empty.
func selectScenarios(all []scenario, filter string) ([]scenario, error) {
	if strings.TrimSpace(filter) == "" {
		return all, nil
	}
	var out []scenario
	used := map[string]bool{}
	for _, s := range all {
		for _, f := range strings.Split(filter, ",") {
			f = strings.TrimSpace(f)
			if f != "" && strings.HasPrefix(s.name, f) {
				out = append(out, s)
				used[f] = true
				break
			}
		}
	}
	for _, f := range strings.Split(filter, ",") {
		if f = strings.TrimSpace(f); f != "" && !used[f] && f != "start-to-ready" {
			return nil, fmt.Errorf("-scenarios: no scenario is named %q", f)
		}
	}
	return out, nil
}

// freeradiusHeader is what rlm_rest sends besides the body (libcurl's
// Accept, FreeRADIUS's User-Agent and X-FreeRADIUS-* headers), with the
// API token as configured in the virtual server.
func freeradiusHeader(section string) http.Header {
	return http.Header{
		"User-Agent":           {"FreeRADIUS 3.2.3"},
		"Accept":               {"*/*"},
		"Content-Type":         {"application/json"},
		"X-Freeradius-Section": {section},
		"X-Freeradius-Server":  {"default"},
		"Authorization":        {"Bearer " + apiToken},
	}
}

// appendAuthorize appends rlm_rest's authorize body:
// {"username": "%{User-Name}", "password": "%{User-Password}"}.
func appendAuthorize(b []byte, user, password string) []byte {
	b = append(b, `{"username": "`...)
	b = append(b, user...)
	b = append(b, `", "password": "`...)
	b = append(b, password...)
	return append(b, `"}`...)
}

func authorizeUnknown(e *scenarioEnv) workload {
	return workload{
		header: freeradiusHeader("authorize"),
		check:  expectStatus(http.StatusOK, emptyBody),
		newWorker: func(i int) func(*request) bool {
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			return func(r *request) bool {
				r.method, r.path = http.MethodPost, "/api/v1/authorize/"
				name := "nobody" + strconv.FormatUint(rng.Uint64N(1_000_000_000), 10)
				r.body = appendAuthorize(r.body, name, "not-a-password")
				return true
			}
		},
	}
}

// authorizeToken logs in each token user once, with its token.
func authorizeToken(e *scenarioEnv, kind string, name func(int) string) workload {
	var next atomic.Int64
	n := int64(e.d.spec.tokens)
	return workload{
		header: freeradiusHeader("authorize"),
		check:  expectStatus(http.StatusOK, acceptObject),
		newWorker: func(int) func(*request) bool {
			return func(r *request) bool {
				k := next.Add(1)
				if k > n {
					return false
				}
				r.method, r.path = http.MethodPost, "/api/v1/authorize/"
				r.body = appendAuthorize(r.body, name(int(k)), tokenKey(kind, int(k)))
				return true
			}
		},
	}
}

func authorizePBKDF2(e *scenarioEnv) workload {
	// Every request a user not asked before (the server's credential
	// cache is on: a repeated user would be a cache hit), any but the
	// heavy one (1), who is over his daily limits; after the last user the
	// walk starts again.
	var next atomic.Int64
	return workload{
		header: freeradiusHeader("authorize"),
		check:  expectStatus(http.StatusOK, acceptObject),
		newWorker: func(int) func(*request) bool {
			return func(r *request) bool {
				r.method, r.path = http.MethodPost, "/api/v1/authorize/"
				n := 2 + int(next.Add(1)-1)%max(e.d.spec.users-1, 1)
				r.body = appendAuthorize(r.body, regularName(min(n, e.d.spec.users)), benchPassword)
				return true
			}
		},
	}
}

// cachedUsers is how many users authorize-cached logs in again and again:
// few, so that their first, uncached logins fit in the warm-up.
const cachedUsers = 8

func authorizeCached(e *scenarioEnv) workload {
	return workload{
		header: freeradiusHeader("authorize"),
		check:  expectStatus(http.StatusOK, acceptObject),
		newWorker: func(i int) func(*request) bool {
			n := i
			return func(r *request) bool {
				r.method, r.path = http.MethodPost, "/api/v1/authorize/"
				n++
				user := 2 + n%min(cachedUsers, max(e.d.spec.users-1, 1))
				r.body = appendAuthorize(r.body, regularName(min(user, e.d.spec.users)), benchPassword)
				return true
			}
		},
	}
}

// listPage is the page of the deep list scenarios (when it exists).
const listPage = 500

func listAccounting(e *scenarioEnv, query string, rows int, deep bool) workload {
	path := "/api/v1/accounting/?" + query
	if deep {
		pages := max(1, (rows+9)/10)
		path += "&page=" + strconv.Itoa(min(listPage, pages)) + "&page_size=10"
	}
	h := freeradiusHeader("")
	h.Del("X-Freeradius-Section")
	h.Del("X-Freeradius-Server")
	h.Del("Content-Type")
	h.Set("User-Agent", "goradius-bench")
	return workload{
		header: h,
		check:  expectStatus(http.StatusOK, nonEmptyList),
		newWorker: func(int) func(*request) bool {
			return func(r *request) bool {
				r.method, r.path = http.MethodGet, path
				return true
			}
		},
	}
}

// acctFields are the values of rlm_rest's accounting body (README's
// template), in its order.
type acctFields struct {
	status, sessionID, uniqueID, username, nasIP, nasPortID string
	sessionTime, input, output                              string
	called, calling, terminateCause, framedIP               string
}

// appendAccounting appends the body FreeRADIUS's rest module sends for
// the template of the README: every value a string, absent ones "".
func appendAccounting(b []byte, f *acctFields) []byte {
	kv := func(k, v string, last bool) {
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `": "`...)
		b = append(b, v...)
		b = append(b, '"')
		if !last {
			b = append(b, ", "...)
		}
	}
	b = append(b, '{')
	kv("status_type", f.status, false)
	kv("session_id", f.sessionID, false)
	kv("unique_id", f.uniqueID, false)
	kv("username", f.username, false)
	kv("realm", "", false)
	kv("nas_ip_address", f.nasIP, false)
	kv("nas_port_id", f.nasPortID, false)
	kv("nas_port_type", "Wireless-802.11", false)
	kv("session_time", f.sessionTime, false)
	kv("authentication", "RADIUS", false)
	kv("input_octets", f.input, false)
	kv("output_octets", f.output, false)
	kv("called_station_id", f.called, false)
	kv("calling_station_id", f.calling, false)
	kv("terminate_cause", f.terminateCause, false)
	kv("service_type", "Framed-User", false)
	kv("framed_protocol", "", false)
	kv("framed_ip_address", f.framedIP, true)
	return append(b, '}')
}

func accountingStart(e *scenarioEnv) workload {
	var next atomic.Uint64
	prefix := "start-" + e.nonce + "-"
	return workload{
		header: freeradiusHeader("accounting"),
		check:  expectStatus(http.StatusCreated, emptyBody),
		newWorker: func(i int) func(*request) bool {
			rng := rand.New(rand.NewPCG(uint64(i), 3))
			var f acctFields
			return func(r *request) bool {
				k := next.Add(1)
				user := 1 + rng.IntN(e.d.spec.users)
				nas := rng.IntN(nasCount)
				f = acctFields{
					status:    "Start",
					sessionID: fmt.Sprintf("%08X%08X", rng.Uint32(), uint32(k)),
					uniqueID:  acctUniqueID(prefix, k),
					username:  regularName(user),
					nasIP:     nasIP(nas).String(),
					nasPortID: strconv.Itoa(1 + rng.IntN(48)),
					called:    calledStation(nas),
					calling:   callingStation(user),
					framedIP:  fmt.Sprintf("10.%d.%d.%d", 100+nas, rng.IntN(256), 1+rng.IntN(250)),
				}
				r.method, r.path = http.MethodPost, "/api/v1/accounting/"
				r.body = appendAccounting(r.body, &f)
				return true
			}
		},
	}
}

// accountingUpdate sends Interim-Update or Stop packets for the open
// sessions of the data set, in turn (wrapping around when there are more
// packets than sessions: then a Stop updates a closed session, still 200).
func accountingUpdate(e *scenarioEnv, status string) workload {
	var next atomic.Uint64
	open := e.d.open
	return workload{
		header: freeradiusHeader("accounting"),
		check:  expectStatus(http.StatusOK, emptyBody),
		newWorker: func(int) func(*request) bool {
			var f acctFields
			return func(r *request) bool {
				if len(open) == 0 {
					return false
				}
				k := next.Add(1) - 1
				row := e.d.acct(int(open[k%uint64(len(open))]))
				round := int64(k/uint64(len(open))) + 1
				f = acctFields{
					status:      status,
					sessionID:   row.sessionID,
					uniqueID:    row.uniqueID,
					username:    row.username,
					nasIP:       row.nasIP.String(),
					nasPortID:   row.nasPortID,
					sessionTime: strconv.FormatInt(row.sessionTime+300*round, 10),
					input:       strconv.FormatInt(row.input+1_000_000*round, 10),
					output:      strconv.FormatInt(row.output+5_000_000*round, 10),
					called:      row.calledStation,
					calling:     row.callingStation,
					framedIP:    row.framedIP.String(),
				}
				if status == "Stop" {
					f.terminateCause = "User-Request"
				}
				r.method, r.path = http.MethodPost, "/api/v1/accounting/"
				r.body = appendAccounting(r.body, &f)
				return true
			}
		},
	}
}
