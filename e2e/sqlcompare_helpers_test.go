package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlSiteTemplate is the virtual server of the stock-FreeRADIUS run: the
// skeleton of goradius's own site (sites-available/goradius from
// "goradius freeradius-config") with its authorize "rest" call replaced by
// FreeRADIUS's sql and dailycounter modules, so that the two runs differ
// only in who applies the policy. Accounting and post-auth write nothing:
// both servers read the same goradius database and must not change it.
const sqlSiteTemplate = `server sqlcompare {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = %d
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = %d
	}
	authorize {
		filter_username
		preprocess
		sql
		dailycounter
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
	}
	preacct {
		preprocess
		acct_unique
	}
	accounting {
		ok
	}
	post-auth {
		Post-Auth-Type REJECT {
			attr_filter.access_reject
		}
	}
}
`

// sqlRadiusOptions changes the stock configuration of startSQLRadius.
type sqlRadiusOptions struct {
	// counterQuery, when not "", replaces the query of the stock
	// mods-config/sql/counter/sqlite/dailycounter.conf.
	counterQuery string
}

// startSQLRadius configures and starts a FreeRADIUS from a copy of the
// system's configuration with the stock sql module (driver rlm_sql_sqlite,
// the stock sqlite queries, read_groups on by default) reading dbFile, and
// the stock sqlcounter "dailycounter", in authorize with pap. The test's
// own changes are those of the harness: loopback ports, the test client,
// no privilege drop, directories, reject_delay = 0.
func startSQLRadius(t *testing.T, dbFile string, o sqlRadiusOptions) *radius {
	t.Helper()
	r := &radius{t: t, raddb: filepath.Join(t.TempDir(), "raddb"), out: &buffer{}}
	if out, err := exec.Command("cp", "-a", systemRaddb, r.raddb).CombinedOutput(); err != nil {
		t.Fatalf("copying %s: %v\n%s", systemRaddb, err, out)
	}
	// Only this site: Debian's default and inner-tunnel listen on fixed
	// ports, and eap (which needs inner-tunnel and certificates) is not used.
	for _, p := range []string{"sites-enabled/default", "sites-enabled/inner-tunnel", "mods-enabled/eap"} {
		mustRemove(t, filepath.Join(r.raddb, p))
	}
	r.authPort, r.acctPort = freeUDPPorts(t)
	writeFile(t, filepath.Join(r.raddb, "sites-enabled", "sqlcompare"), fmt.Sprintf(sqlSiteTemplate, r.authPort, r.acctPort))
	for _, m := range []string{"sql", "sqlcounter"} {
		if err := os.Symlink("../mods-available/"+m, filepath.Join(r.raddb, "mods-enabled", m)); err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
	}
	r.edit("mods-available/sql", func(s string) string {
		s = regexp.MustCompile(`(?m)^(\s*)driver = "rlm_sql_null"`).ReplaceAllString(s, `${1}driver = "rlm_sql_sqlite"`)
		s = regexp.MustCompile(`(?m)^(\s*)dialect = "\w+"`).ReplaceAllString(s, `${1}dialect = "sqlite"`)
		s = regexp.MustCompile(`(?m)^(\s*)filename = "/tmp/freeradius.db"`).ReplaceAllString(s, `${1}filename = "`+dbFile+`"`)
		// goradius writes while FreeRADIUS reads: wait for its locks.
		return regexp.MustCompile(`(?m)^(\s*)busy_timeout = 200`).ReplaceAllString(s, `${1}busy_timeout = 5000`)
	})
	if o.counterQuery != "" {
		r.edit("mods-config/sql/counter/sqlite/dailycounter.conf", func(s string) string {
			return regexp.MustCompile(`(?ms)^query = ".*?[^\\]"$`).ReplaceAllLiteralString(s, "query = \""+o.counterQuery+"\"")
		})
	}
	r.localize()
	check := exec.Command(freeradiusBin, "-CX", "-d", r.raddb)
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(out), "Configuration appears to be OK") {
		t.Fatalf("freeradius -CX refuses the sql configuration: %v\n%s", err, tail(string(out), 20000))
	}
	r.startUntilCleanup(radiusOptions{}, "freeradius-sql")
	return r
}

// requestLog returns FreeRADIUS's debug output of the last request whose
// User-Name is user, for failure messages (requests are sent one at a
// time).
func (r *radius) requestLog(user string) string {
	out := r.out.String()
	marker := `User-Name = "` + user + `"`
	i := strings.LastIndex(out, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(out[:i], "Received Access-Request")
	if start < 0 {
		start = i
	}
	end := strings.Index(out[i:], "Finished request")
	if end < 0 {
		end = len(out) - i
	}
	// Up to the end of the "Finished request" line.
	e := i + end
	if nl := strings.IndexByte(out[e:], '\n'); nl >= 0 {
		e += nl
	}
	return out[start:e]
}

// itoa is strconv.Itoa for int64.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
