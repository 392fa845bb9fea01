package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goradius/goradius/internal/freeradius"
	"github.com/goradius/goradius/internal/store"
)

// TestKnownGoodPassword checks the methods where FreeRADIUS, not
// goradius, checks the password with the known-good credential goradius
// answers: CHAP, MS-CHAP, MS-CHAPv2, EAP-MSCHAPv2, PEAP-MSCHAPv2 and EAP-TTLS/PAP.
func TestKnownGoodPassword(t *testing.T) {
	requireTools(t)
	t.Parallel()
	eachBackend(t, func(t *testing.T, backend string) {
		g := startGoradius(t, backend)
		// carol: a radcheck Cleartext-Password row, no account.
		if err := g.store.AddCheck(context.Background(), "carol", &store.Item{Attribute: "Cleartext-Password", Op: ":=", Value: "carol-pass-1"}); err != nil {
			t.Fatal(err)
		}
		// nick: an account with an NT hash beside its Django hash.
		g.addUser("nick", "nick-pass-1", "--store-nt-hash")
		// plain: an account with its Django hash only.
		g.addUser("plain", "plain-pass-1")
		r := startRadius(t, g, radiusOptions{style: freeradius.Native})

		needs := func(t *testing.T, user, key string) {
			t.Helper()
			if !g.sendsKnownGood(user, key) {
				t.Skipf("waiting for goradius to answer control:%s for %s (server contract)", key, user)
			}
		}
		users := []struct {
			name, pw, key string
			chap, ttls    bool // CHAP works; TTLS-PAP works
		}{
			{"carol", "carol-pass-1", "Cleartext-Password", true, true},
			{"nick", "nick-pass-1", "NT-Password", false, true},
		}
		for _, u := range users {
			t.Run(u.name, func(t *testing.T) {
				needs(t, u.name, u.key)
				t.Run("CHAP", func(t *testing.T) {
					if u.chap {
						expect(t, "CHAP, right password", r.send("auth", [][2]string{{"User-Name", u.name}, {"CHAP-Password", u.pw}}), "Access-Accept")
					} else {
						expect(t, "CHAP with an NT hash only", r.send("auth", [][2]string{{"User-Name", u.name}, {"CHAP-Password", u.pw}}), "Access-Reject")
					}
					expect(t, "CHAP, wrong password", r.send("auth", [][2]string{{"User-Name", u.name}, {"CHAP-Password", u.pw + "x"}}), "Access-Reject")
				})
				t.Run("MS-CHAP", func(t *testing.T) {
					a := r.send("auth", [][2]string{{"User-Name", u.name}, {"MS-CHAP-Password", u.pw}})
					expect(t, "MS-CHAPv1, right password", a, "Access-Accept")
					if a.Code == "Access-Accept" && a.get("MS-MPPE-Encryption-Policy") == "" && a.get("MS-CHAP-MPPE-Keys") == "" {
						t.Errorf("MS-CHAP Access-Accept without MPPE attributes:\n%s", a.Out)
					}
					a = r.send("auth", [][2]string{{"User-Name", u.name}, {"MS-CHAP-Password", u.pw + "x"}})
					expect(t, "MS-CHAPv1, wrong password", a, "Access-Reject")
				})
				t.Run("MS-CHAPv2", func(t *testing.T) { testMSCHAPv2(t, r, u.name, u.pw) })
				t.Run("EAP-MSCHAPv2", func(t *testing.T) {
					requireEAP(t)
					testEAP(t, r, fmt.Sprintf("\teap=MSCHAPV2\n\tidentity=%q\n", u.name), u.pw, true)
				})
				t.Run("PEAP-MSCHAPv2", func(t *testing.T) {
					requireEAP(t)
					ca, _, _ := testCerts(t)
					testEAP(t, r, fmt.Sprintf("\teap=PEAP\n\tidentity=%q\n\tanonymous_identity=\"anonymous\"\n\tphase2=\"auth=MSCHAPV2\"\n\tca_cert=%q\n", u.name, ca), u.pw, true)
				})
				t.Run("EAP-TTLS-PAP", func(t *testing.T) {
					requireEAP(t)
					ca, _, _ := testCerts(t)
					testEAP(t, r, fmt.Sprintf("\teap=TTLS\n\tidentity=%q\n\tanonymous_identity=\"anonymous\"\n\tphase2=\"auth=PAP\"\n\tca_cert=%q\n", u.name, ca), u.pw, u.ttls)
				})
				t.Run("PAP", func(t *testing.T) {
					expect(t, "PAP, right password", r.pap(u.name, u.pw), "Access-Accept")
					expect(t, "PAP, wrong password", r.pap(u.name, u.pw+"x"), "Access-Reject")
				})
			})
		}
		t.Run("no known-good password", func(t *testing.T) {
			// A Django hash alone can do neither CHAP nor MS-CHAP.
			expect(t, "CHAP", r.send("auth", [][2]string{{"User-Name", "plain"}, {"CHAP-Password", "plain-pass-1"}}), "Access-Reject")
			expect(t, "MS-CHAP", r.send("auth", [][2]string{{"User-Name", "plain"}, {"MS-CHAP-Password", "plain-pass-1"}}), "Access-Reject")
			m := newMSCHAPv2(t, "plain", "plain-pass-1")
			expect(t, "MS-CHAPv2", r.send("auth", m.attrs("plain")), "Access-Reject")
			expect(t, "PAP", r.pap("plain", "plain-pass-1"), "Access-Accept")
		})
	})
}

// testEAP runs eapol_test with the right password (which must succeed if
// ok) and a wrong one (which must fail).
func testEAP(t *testing.T, r *radius, network, password string, ok bool) {
	t.Helper()
	network += "\tkey_mgmt=WPA-EAP\n"
	good, out := r.eapol(network + fmt.Sprintf("\tpassword=%q\n", password))
	if good != ok {
		t.Errorf("right password: authenticated %v, want %v\neapol_test:\n%s", good, ok, tail(out, 8000))
	}
	bad, out := r.eapol(network + fmt.Sprintf("\tpassword=%q\n", password+"x"))
	if bad {
		t.Errorf("wrong password authenticated\neapol_test:\n%s", tail(out, 8000))
	}
}

// sendsKnownGood reports whether goradius answers an authorize request
// without a password (as for CHAP, MS-CHAP and EAP) with control:key.
func (g *goradius) sendsKnownGood(user, key string) bool {
	g.t.Helper()
	body := fmt.Sprintf(`{"User-Name":{"type":"string","value":[%q]}}`, user)
	req, _ := http.NewRequest("POST", g.URL()+"/api/v1/authorize/", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+apiToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.Contains(string(b), `"control:`+key+`"`)
}
