package mail

import "testing"

func TestFormatCredentials(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{DefaultCredentialsBody, "username: alice, password: pw"},
		{"username: {}, password: {}", "username: alice, password: pw"},
		{"{} / {} / {}", "alice / pw / {}"},
		{"{1} then {0}", "pw then alice"},
		{"{password}{username}{password}", "pwalicepw"},
		{"{{username}} {{}}", "{username} {}"},
		{"{unknown} {user name} {", "{unknown} {user name} {"},
		{"a } b }} c", "a } b } c"},
		{"no placeholders", "no placeholders"},
		{"", ""},
		{"Hallo {username},\nIhr Passwort: {password}\n", "Hallo alice,\nIhr Passwort: pw\n"},
	} {
		if got := FormatCredentials(tc.tmpl, "alice", "pw"); got != tc.want {
			t.Errorf("FormatCredentials(%q) = %q, want %q", tc.tmpl, got, tc.want)
		}
	}
	// Values are inserted verbatim, never expanded again.
	if got := FormatCredentials("{username}:{password}", "{password}", "{}"); got != "{password}:{}" {
		t.Errorf("values re-expanded: %q", got)
	}
	if got := FormatCredentials("{}-{}", "ü{", "}x"); got != "ü{-}x" {
		t.Errorf("got %q", got)
	}
}
