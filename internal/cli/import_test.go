package cli

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/djimport/djtest"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// importReport is the report lines of an import of the fixture.
func importReport(second bool) string {
	var b strings.Builder
	for _, c := range djtest.FirstImport {
		n := c.Inserted
		if second {
			n = 0
		}
		fmt.Fprintf(&b, "%s: %d read, %d imported, %d already present\n", c.Table, c.Read, n, c.Read-n)
	}
	return b.String()
}

// The django-freeradius fixture imported into every backend through the
// command, twice: the second run imports nothing and changes nothing.
func TestImportDjango(t *testing.T) {
	dbtest.EachBackend(t, func(t *testing.T, backend string) {
		db := dbtest.NewDatabase(t, backend)
		from := djtest.SQLiteFixture(t)
		env := dbEnv(db)

		r := mustRun(t, env, "", "import", "django", "--from", from)
		if !strings.Contains(r.stdout, importReport(false)) {
			t.Errorf("first import report:\n%s\nwant lines:\n%s", r.stdout, importReport(false))
		}
		for _, w := range []string{"default radius group: users", "batch files: not imported", "122 record(s) imported"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("first import output lacks %q:\n%s", w, r.stdout)
			}
		}
		before := djtest.Snapshot(t, db)

		r = mustRun(t, env, "", "import", "django", "--from", from, "--batch-size", "3")
		if !strings.Contains(r.stdout, importReport(true)) || !strings.Contains(r.stdout, "\n0 record(s) imported") {
			t.Errorf("second import report:\n%s\nwant lines:\n%s", r.stdout, importReport(true))
		}
		after := djtest.Snapshot(t, db)
		for _, table := range djtest.Tables {
			if strings.Join(before[table], "\n") != strings.Join(after[table], "\n") {
				t.Errorf("the second import changed %s", table)
			}
		}

		list := mustRun(t, env, "", "user", "list").stdout
		for _, p := range djtest.Passwords {
			if p.Username != "legacy-user" && !strings.Contains(list, p.Username) {
				t.Errorf("user list lacks %s:\n%s", p.Username, list)
			}
		}
		s, err := sqlstore.Open(t.Context(), db, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		u, err := s.UserByUsername(t.Context(), "guest1")
		if err != nil || !password.Check("Ok5DwwdF", u.Password) {
			t.Errorf("guest1 after import: %+v, %v", u, err)
		}
	})
}

func TestImportDjangoErrors(t *testing.T) {
	db := sqliteURL(t)
	env := dbEnv(db)
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec("CREATE TABLE auth_user (id INTEGER)"); err != nil {
		t.Fatal(err)
	}
	odb.Close()

	wantFail(t, env, "", 2, []string{"a subcommand is needed"}, "import")
	wantFail(t, env, "", 2, []string{`unknown subcommand "freeradius" (django)`}, "import", "freeradius")
	wantFail(t, env, "", 2, []string{"--from is needed"}, "import", "django")
	wantFail(t, env, "", 2, []string{"the same database"}, "import", "django", "--from", db)
	wantFail(t, env, "", 1, []string{`scheme "oracle" is not supported`, "sqlite:PATH"},
		"import", "django", "--from", "oracle://db.example/df")
	wantFail(t, env, "", 1, []string{"missing.sqlite3", "no such file"},
		"import", "django", "--from", "sqlite:"+filepath.Join(dir, "missing.sqlite3"))
	r := wantFail(t, env, "", 1, []string{"mysql://df:xxxxx@127.0.0.1:1/df", "refused"},
		"import", "django", "--from", "mysql://df:s3cret-pw@127.0.0.1:1/df")
	if strings.Contains(r.output(), "s3cret-pw") {
		t.Errorf("the source's password is shown:\n%s", r)
	}
	wantFail(t, env, "", 1, []string{"not a django-freeradius database", "missing table(s) django_freeradius_radiusgroup, radusergroup"},
		"import", "django", "--from", "sqlite:"+other)
	// A goradius database is not a django-freeradius one either.
	mustRun(t, env, "", "migrate")
	wantFail(t, dbEnv(sqliteURL(t)), "", 1, []string{"missing table(s) auth_user, django_freeradius_radiusgroup, authtoken_token"},
		"import", "django", "--from", db)

	r = mustRun(t, env, "", "import", "--help")
	if !strings.Contains(r.stdout, "django --from URL") {
		t.Errorf("import --help:\n%s", r)
	}
}
