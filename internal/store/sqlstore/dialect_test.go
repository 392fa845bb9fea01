package sqlstore

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct{ in, pg string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{`x = '?' AND "y?" = ? OR z LIKE ? ESCAPE '!'`, `x = '?' AND "y?" = $1 OR z LIKE $2 ESCAPE '!'`},
		{"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
		{"'it''s ?' = ?", "'it''s ?' = $1"},
	}
	for _, tc := range tests {
		if got := postgresDialect.rebind(tc.in); got != tc.pg {
			t.Errorf("postgres rebind(%q) = %q, want %q", tc.in, got, tc.pg)
		}
		for _, d := range []*dialect{sqliteDialect, mysqlDialect} {
			if got := d.rebind(tc.in); got != tc.in {
				t.Errorf("%s rebind(%q) = %q, want it unchanged", d.name, tc.in, got)
			}
		}
	}
}

func TestPrefixPatterns(t *testing.T) {
	tests := []struct{ prefix, like, glob string }{
		{"", "%", "*"},
		{"guest", "guest%", "guest*"},
		{"a%b_c!d", "a!%b!_c!!d%", "a%b_c!d*"},
		{`a\b`, `a\b%`, `a\b*`},
		{"a*b?c[d]e", "a*b?c[d]e%", "a[*]b[?]c[[]d]e*"},
	}
	for _, tc := range tests {
		if _, arg := postgresDialect.prefixMatch("c", tc.prefix); arg != tc.like {
			t.Errorf("LIKE pattern of %q = %q, want %q", tc.prefix, arg, tc.like)
		}
		if _, arg := sqliteDialect.prefixMatch("c", tc.prefix); arg != tc.glob {
			t.Errorf("GLOB pattern of %q = %q, want %q", tc.prefix, arg, tc.glob)
		}
	}
}
