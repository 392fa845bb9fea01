package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goradius/goradius/internal/mail"
	"github.com/goradius/goradius/internal/mail/mailtest"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/dbtest"
)

type batchAnswer struct {
	ID             string           `json:"id"`
	Users          []map[string]any `json:"users"`
	Prefix         *string          `json:"prefix"`
	CSVFile        *string          `json:"csvfile"`
	PDF            *string          `json:"pdf"`
	Strategy       string           `json:"strategy"`
	Name           string           `json:"name"`
	ExpirationDate *string          `json:"expiration_date"`
	Created        string           `json:"created"`
}

func (e *env) postCSV(fields map[string]string, csv string) response {
	e.t.Helper()
	return e.postCSV2(fields, "users.csv", csv)
}

// postCSV2 uploads csv under a file name of the client's choice.
func (e *env) postCSV2(fields map[string]string, fileName, csv string) response {
	e.t.Helper()
	ct, body := multipartBody(e.t, fields, "csvfile", fileName, []byte(csv))
	return e.do("POST", "/api/v1/batch/", ct, body, "Authorization: Bearer "+testToken)
}

func decodeBatch(t *testing.T, r response) batchAnswer {
	t.Helper()
	if r.status != 201 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var b batchAnswer
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func authorizes(e *env, user, pw string) bool {
	r := e.postJSON("/api/v1/authorize/", map[string]string{"username": user, "password": pw})
	return r.status == 200 && len(r.body) > 0
}

// TestBatchCSV covers contract section 6 for the csv strategy, with the
// generated passwords going out over real SMTP.
func TestBatchCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		smtpd := mailtest.Start(t, mailtest.Options{})
		sender, err := mail.NewSMTP(smtpd.URL())
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, s, nil, sender)
		e.addUser("heidi", "old-pw")
		const iv = "pbkdf2_sha256$100000$ivanFixtureSalt01$lMwFPUYwPDDyqhnBC0CbpBYECjGL2jZHJgwThldiTzQ="
		csv := "heidi,cleartext$heidi-pass-8,heidi@example.com,Heidi,Hill\n" +
			"\n" +
			"ivan," + iv + ",ivan@example.com,Ivan,Ivanov\n" +
			",cleartext$kim-pass-11,kim@example.com,Kim,King\n" +
			"heidi,,heidi2@example.com,Heidi,Two\n"
		b := decodeBatch(t, e.postCSV(map[string]string{"name": "csv-import", "strategy": "csv", "expiration_date": "2030-12-31"}, csv))

		var names []string
		for _, u := range b.Users {
			names = append(names, u["username"].(string))
			if _, leaked := u["password"]; leaked {
				t.Fatal("a user object carries the password hash")
			}
			for _, k := range []string{"id", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "last_login", "date_joined", "groups", "user_permissions"} {
				if _, ok := u[k]; !ok {
					t.Fatalf("user object lacks %q: %v", k, u)
				}
			}
		}
		if strings.Join(names, ",") != "heidi1,ivan,kim,heidi2" {
			t.Fatalf("usernames %v, want heidi1,ivan,kim,heidi2 (heidi is taken)", names)
		}
		if b.Strategy != "csv" || b.Name != "csv-import" || b.PDF != nil || b.CSVFile == nil || b.Prefix != nil ||
			b.ExpirationDate == nil || *b.ExpirationDate != "2030-12-31" {
			t.Fatalf("batch %+v", b)
		}
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(b.ID) {
			t.Fatalf("id %q is not a UUID", b.ID)
		}
		if !authorizes(e, "heidi1", "heidi-pass-8") || !authorizes(e, "ivan", "ivan-pass-9") || !authorizes(e, "kim", "kim-pass-11") {
			t.Fatal("imported users do not authorize with their passwords")
		}
		if !authorizes(e, "heidi", "old-pw") {
			t.Fatal("the existing heidi was changed")
		}
		gs, err := s.UserGroups(context.Background(), "kim")
		if err != nil || strings.Join(gs, ",") != "users" {
			t.Fatalf("kim's groups %v %v, want the default group", gs, err)
		}

		msgs := smtpd.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "heidi2@example.com" || msgs[0].Subject != "Credentials" {
			t.Fatalf("mails: %+v", msgs)
		}
		m := regexp.MustCompile(`^username: heidi2, password: ([A-Za-z0-9]{8})\s*$`).FindStringSubmatch(msgs[0].Body)
		if m == nil {
			t.Fatalf("mail body %q", msgs[0].Body)
		}
		if !authorizes(e, "heidi2", m[1]) {
			t.Fatal("the e-mailed password does not work")
		}

		// The CSV is kept and served to API token holders only.
		path := strings.TrimPrefix(*b.CSVFile, e.srv.URL)
		if r := e.get(path); r.status != 200 || string(r.body) != csv {
			t.Fatalf("csv download %d %q", r.status, r.body)
		}
		if r := e.do("GET", path, "", nil); r.status != 403 {
			t.Fatalf("csv without the token: %d", r.status)
		}

		// expiration_date is honoured: valid through the whole day.
		e.clock.Set(time.Date(2030, 12, 31, 23, 59, 0, 0, time.UTC))
		if !authorizes(e, "kim", "kim-pass-11") {
			t.Fatal("kim rejected on the last day")
		}
		e.clock.Set(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
		if authorizes(e, "kim", "kim-pass-11") {
			t.Fatal("kim accepted after the expiration date")
		}
		e.clock.Set(time.Time{})

		t.Run("duplicate name", func(t *testing.T) {
			wantJSON(t, e.postCSV(map[string]string{"name": "csv-import", "strategy": "csv"}, "zed,,zed@example.com,Z,Z\n"), 400,
				`{"name": ["batch user creation with this name already exists."]}`)
		})
		t.Run("a bad row saves nothing", func(t *testing.T) {
			for _, bad := range []string{
				"ok1,,ok1@example.com,A,B\nbad,,not-an-email,A,B\n",
				"ok1,,ok1@example.com,A,B\nshort,,short@example.com\n",
				"ok1,,ok1@example.com,A,B\n\xff\xfe\xfd,,x@example.com,A,B\n",
			} {
				r := e.postCSV(map[string]string{"name": "bad-" + fmt.Sprint(len(bad)), "strategy": "csv"}, bad)
				if r.status != 400 {
					t.Fatalf("status %d for %q", r.status, bad)
				}
				var errs map[string][]string
				json.Unmarshal(r.body, &errs)
				if len(errs["csvfile"]) == 0 || !strings.Contains(errs["csvfile"][0], "2") {
					t.Fatalf("error %s does not name the csvfile line", r.body)
				}
				if _, err := s.UserByUsername(context.Background(), "ok1"); err == nil {
					t.Fatal("a failed batch saved a user")
				}
				if _, err := s.BatchByName(context.Background(), "bad-"+fmt.Sprint(len(bad))); err == nil {
					t.Fatal("a failed batch was saved")
				}
			}
		})
		t.Run("csv without a file", func(t *testing.T) {
			wantJSON(t, e.postJSON("/api/v1/batch/", map[string]string{"name": "nofile", "strategy": "csv"}), 400,
				`{"csvfile": ["This field is required."]}`)
		})
	})
}

// TestBatchPrefix covers the prefix strategy and the batch errors.
func TestBatchPrefix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		e.addUser("guest1", "taken")
		b := decodeBatch(t, e.postJSON("/api/v1/batch/", map[string]any{"name": "vouchers", "strategy": "prefix", "prefix": "guest", "number_of_users": 3}))
		var names []string
		for _, u := range b.Users {
			names = append(names, u["username"].(string))
		}
		if strings.Join(names, ",") != "guest2,guest3,guest4" {
			t.Fatalf("usernames %v", names)
		}
		if b.PDF == nil || b.CSVFile != nil || b.Prefix == nil || *b.Prefix != "guest" || b.ExpirationDate != nil {
			t.Fatalf("batch %+v", b)
		}
		path := strings.TrimPrefix(*b.PDF, e.srv.URL)
		if r := e.do("GET", path, "", nil); r.status != 403 {
			t.Fatalf("PDF without the token: %d", r.status)
		}
		r := e.get(path)
		if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
			t.Fatalf("PDF download: %d %s %q", r.status, r.header.Get("Content-Type"), r.body[:min(len(r.body), 10)])
		}
		if r := e.get("/api/v1/batch/00000000-0000-4000-8000-000000000000/pdf/"); r.status != 404 {
			t.Fatalf("unknown batch PDF: %d", r.status)
		}

		for _, c := range []struct {
			name string
			body map[string]any
			want string
		}{
			{"no number_of_users", map[string]any{"name": "p1", "strategy": "prefix", "prefix": "x"},
				`{"number_of_users": ["The field number_of_users cannot be empty"]}`},
			{"number_of_users 0", map[string]any{"name": "p2", "strategy": "prefix", "prefix": "x", "number_of_users": 0},
				`{"number_of_users": ["Ensure this value is greater than or equal to 1."]}`},
			{"no prefix", map[string]any{"name": "p3", "strategy": "prefix", "number_of_users": 2},
				`{"prefix": ["This field is required."]}`},
			{"missing name and strategy", map[string]any{"prefix": "x", "number_of_users": 2},
				`{"name": ["This field is required."], "strategy": ["This field is required."]}`},
			{"bad strategy", map[string]any{"name": "p4", "strategy": "ldap"}, `{"strategy": ["\"ldap\" is not a valid choice."]}`},
			{"bad date", map[string]any{"name": "p5", "strategy": "prefix", "prefix": "x", "number_of_users": 1, "expiration_date": "31-12-2030"},
				`{"expiration_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`},
			{"long name", map[string]any{"name": strings.Repeat("n", 129), "strategy": "prefix", "prefix": "x", "number_of_users": 1},
				`{"name": ["Ensure this field has no more than 128 characters."]}`},
		} {
			t.Run(c.name, func(t *testing.T) { wantJSON(t, e.postJSON("/api/v1/batch/", c.body), 400, c.want) })
		}
		r = e.postJSON("/api/v1/batch/", map[string]any{"name": "p6", "strategy": "prefix", "prefix": "bad prefix!", "number_of_users": 1})
		if r.status != 400 || !strings.Contains(string(r.body), `"prefix"`) {
			t.Fatalf("invalid prefix: %d %s", r.status, r.body)
		}
	})
}

// TestAccountToken covers contract section 7.
func TestAccountToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s store.Store) {
		e := newEnv(t, s, nil, nil)
		e.addUser("alice", "alice-pw")
		e.addUser("carol", "carol-pw")
		if err := s.SetActive(context.Background(), "carol", false); err != nil {
			t.Fatal(err)
		}
		post := func(path string, v any) response {
			b, _ := json.Marshal(v)
			return e.do("POST", path, "application/json", b) // no API token needed
		}
		var pair struct {
			Key    string `json:"key"`
			Radius string `json:"radius_user_token"`
		}
		r := post("/api/v1/account/token/", map[string]string{"username": "alice", "password": "alice-pw"})
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		json.Unmarshal(r.body, &pair)
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(pair.Key) || !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).MatchString(pair.Radius) {
			t.Fatalf("tokens %+v", pair)
		}
		if r2 := post("/api/v1/account/token/", map[string]string{"username": "alice", "password": "alice-pw"}); string(r2.body) != string(r.body) {
			t.Fatalf("repeated call gave %s, want %s", r2.body, r.body)
		}
		if !authorizes(e, "alice", pair.Radius) || authorizes(e, "alice", pair.Radius) {
			t.Fatal("the radius user token must work exactly once")
		}
		var again struct {
			Key    string `json:"key"`
			Radius string `json:"radius_user_token"`
		}
		json.Unmarshal(post("/api/v1/account/token/", map[string]string{"username": "alice", "password": "alice-pw"}).body, &again)
		if again.Key != pair.Key || again.Radius == pair.Radius || again.Radius == "" {
			t.Fatalf("after use: %+v (before %+v)", again, pair)
		}
		badCreds := `{"non_field_errors": ["Unable to log in with provided credentials."]}`
		wantJSON(t, post("/api/v1/account/token/", map[string]string{"username": "alice", "password": "nope"}), 400, badCreds)
		wantJSON(t, post("/api/v1/account/token/", map[string]string{"username": "carol", "password": "carol-pw"}), 400, badCreds)
		wantJSON(t, post("/api/v1/account/token/", map[string]string{}), 400,
			`{"username": ["This field is required."], "password": ["This field is required."]}`)

		// validate: re-creates the used radius token.
		if !authorizes(e, "alice", again.Radius) {
			t.Fatal("token did not authorize")
		}
		r = post("/api/v1/account/token/validate/", map[string]string{"token": pair.Key})
		var v map[string]string
		json.Unmarshal(r.body, &v)
		if r.status != 200 || v["response_code"] != "AUTH_TOKEN_VALIDATION_SUCCESSFUL" || v["auth_token"] != pair.Key ||
			len(v["radius_user_token"]) != 40 || v["radius_user_token"] == again.Radius {
			t.Fatalf("validate: %d %s", r.status, r.body)
		}
		for _, bad := range []map[string]string{{"token": ""}, {"token": strings.Repeat("0", 40)}, {}} {
			wantJSON(t, post("/api/v1/account/token/validate/", bad), 401, `{"response_code": "BLANK_OR_INVALID_TOKEN"}`)
		}
	})
}
