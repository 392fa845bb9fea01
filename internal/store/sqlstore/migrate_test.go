package sqlstore

import (
	"slices"
	"testing"
)

// Every dialect must reach the same schema version through the same steps.
func TestMigrationsSameVersions(t *testing.T) {
	var want []int
	for i, d := range []*dialect{sqliteDialect, postgresDialect, mysqlDialect} {
		ms, err := loadMigrations(d.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Fatalf("%s has no migrations", d.name)
		}
		var versions []int
		for _, m := range ms {
			versions = append(versions, m.version)
			if len(m.statements) == 0 {
				t.Errorf("%s/%s has no statements", d.name, m.name)
			}
		}
		if i == 0 {
			want = versions
		} else if !slices.Equal(versions, want) {
			t.Errorf("%s migration versions %v, sqlite has %v", d.name, versions, want)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "  \n-- only a comment; really\n", nil},
		{"two", "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);", []string{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}},
		{"no final semicolon", "SELECT 1", []string{"SELECT 1"}},
		{"semicolon in a string", "INSERT INTO a VALUES ('x;y', 'it''s; ok');", []string{"INSERT INTO a VALUES ('x;y', 'it''s; ok')"}},
		{"quote and semicolon in a comment", "-- don't; stop\nSELECT 1; -- trailing; 'x\nSELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"quoted identifiers", "CREATE TABLE t (\"a;b\" INT, `c;d` INT);", []string{"CREATE TABLE t (\"a;b\" INT, `c;d` INT)"}},
		{"dollar-quoted body", "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  PERFORM 1; -- it's fine\n  RETURN NULL;\nEND\n$$ LANGUAGE plpgsql;\nSELECT 1;",
			[]string{"CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  PERFORM 1; -- it's fine\n  RETURN NULL;\nEND\n$$ LANGUAGE plpgsql", "SELECT 1"}},
		{"trigger body", "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  INSERT INTO b VALUES (NEW.x);\n  DELETE FROM c;\nEND;\ncreate trigger u after update on a begin select 1; end;SELECT 2;",
			[]string{"CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  INSERT INTO b VALUES (NEW.x);\n  DELETE FROM c;\nEND", "create trigger u after update on a begin select 1; end", "SELECT 2"}},
		{"strftime format", "CREATE TABLE t (c TEXT DEFAULT (strftime('%Y-%m-%d', 'now')));", []string{"CREATE TABLE t (c TEXT DEFAULT (strftime('%Y-%m-%d', 'now')))"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := splitStatements(tc.in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("splitStatements = %q, want %q", got, tc.want)
			}
		})
	}
}
