package adminapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/goradius/goradius/internal/adminapi"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/openapi"
	"github.com/goradius/goradius/internal/server"
)

// docEnv is the real handler (with its routes) and the document.
type docEnv struct {
	*env
	h   *server.Handler
	doc *openapi3.T
	tok string
}

func newDocEnv(t *testing.T) *docEnv {
	e := sqliteEnv(t)
	h := server.New(server.Deps{Config: e.cfg, Store: e.s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock.Now}, apiToken)
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	e.addUser("root", "root-pw", true, true)
	return &docEnv{env: e, h: h, doc: doc, tok: e.login("root", "root-pw")}
}

// serve sends a request with the admin token straight to the handler.
func (d *docEnv) serve(method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+d.tok)
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	return rec
}

// Every admin route and method the server serves is in openapi.json, and
// every admin operation there is served: the admin token lets the probe
// reach the method check, which the OpenAPI package's own test cannot.
func TestAdminRoutesMatchDocument(t *testing.T) {
	d := newDocEnv(t)
	wildcard := regexp.MustCompile(`\{[^}]*\}`)
	served := map[string]bool{}
	for _, p := range d.h.Mux.Patterns() {
		_, path := httpx.SplitPattern(p)
		name := d.h.Mux.RouteName(p)
		if !strings.HasPrefix(name, adminapi.Prefix+"/") {
			continue
		}
		// Ids and names nothing has: no probe changes anything, but
		// the logout, after which the probe logs in again.
		concrete := wildcard.ReplaceAllString(strings.TrimSuffix(path, "{$}"), "999999")
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			rec := d.serve(m, concrete, "", nil)
			if rec.Code == http.StatusUnauthorized && !strings.HasSuffix(name, "/login/") {
				t.Fatalf("%s %s: 401, the probe lost its token", m, concrete)
			}
			if rec.Code != http.StatusMethodNotAllowed {
				served[m+" "+name] = true
			}
			if strings.HasSuffix(name, "/logout/") && rec.Code == http.StatusNoContent {
				d.tok = d.login("root", "root-pw")
			}
		}
	}
	documented := map[string]bool{}
	for path, item := range d.doc.Paths.Map() {
		if !strings.HasPrefix(path, adminapi.Prefix+"/") {
			continue
		}
		for m := range item.Operations() {
			documented[strings.ToUpper(m)+" "+path] = true
		}
	}
	if len(served) < 40 {
		t.Fatalf("only %d admin operations found", len(served))
	}
	for _, op := range slices.Sorted(maps.Keys(served)) {
		if !documented[op] {
			t.Errorf("%s is served but not documented in internal/openapi/openapi.json", op)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		if !served[op] {
			t.Errorf("%s is documented but not served", op)
		}
	}
}

// Real answers of the admin API match the document's schemas.
func TestAdminAnswersMatchDocument(t *testing.T) {
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	d := newDocEnv(t)
	ctx := context.Background()
	const js = "application/json"
	type ex struct {
		method, path, docPath, body string
		status                      int
	}
	if r := d.radius("/api/v1/accounting/", `{"status_type": "Start", "session_id": "s1", "unique_id": "u1", "username": "amy", "nas_ip_address": "10.0.0.1"}`); r.status != 201 {
		t.Fatal(r.status)
	}
	if r := d.radius("/api/v1/postauth/", `{"username": "amy", "password": "x", "reply": "Access-Reject"}`); r.status != 201 {
		t.Fatal(r.status)
	}
	exchanges := []ex{
		{"GET", "/api/v1/admin/me/", "", "", 200},
		{"GET", "/api/v1/admin/tokens/", "", "", 200},
		{"GET", "/api/v1/admin/tokens/1/", "/api/v1/admin/tokens/{id}/", "", 200},
		{"POST", "/api/v1/admin/groups/", "", `{"name": "students", "check": [{"attribute": "Max-Daily-Session", "value": "3600"}]}`, 201},
		{"POST", "/api/v1/admin/groups/", "", `{"name": "students"}`, 400},
		{"GET", "/api/v1/admin/groups/?search=stud", "/api/v1/admin/groups/", "", 200},
		{"PATCH", "/api/v1/admin/groups/students/", "/api/v1/admin/groups/{name}/", `{"description": "Daily hour"}`, 200},
		{"DELETE", "/api/v1/admin/groups/users/", "/api/v1/admin/groups/{name}/", "", 400},
		{"POST", "/api/v1/admin/users/", "", `{"username": "amy", "password": "amy-pw-123", "groups": ["students"], "expires_at": "2027-01-31"}`, 201},
		{"GET", "/api/v1/admin/users/amy/", "/api/v1/admin/users/{username}/", "", 200},
		{"PUT", "/api/v1/admin/users/amy/", "/api/v1/admin/users/{username}/", `{"first_name": "Amy"}`, 200},
		{"GET", "/api/v1/admin/users/?page=7", "/api/v1/admin/users/", "", 404},
		{"POST", "/api/v1/admin/radcheck/", "", `{"username": "amy", "attribute": "Simultaneous-Use", "value": "1", "valid_until": "2027-01-01"}`, 201},
		{"GET", "/api/v1/admin/radcheck/", "", "", 200},
		{"POST", "/api/v1/admin/radgroupreply/", "", `{"groupname": "students", "attribute": "Idle-Timeout", "value": "300"}`, 201},
		{"GET", "/api/v1/admin/radgroupreply/?groupname=students", "/api/v1/admin/radgroupreply/", "", 200},
		{"GET", "/api/v1/admin/radusergroup/?username=amy", "/api/v1/admin/radusergroup/", "", 200},
		{"POST", "/api/v1/admin/nas/", "", `{"name": "10.0.0.1", "secret": "shared-secret", "ports": 1812}`, 201},
		{"GET", "/api/v1/admin/nas/", "", "", 200},
		{"POST", "/api/v1/admin/batches/", "", `{"name": "guests", "strategy": "prefix", "prefix": "guest", "number_of_users": 2}`, 201},
		{"GET", "/api/v1/admin/batches/", "", "", 200},
		{"GET", "/api/v1/admin/batches/guests/", "/api/v1/admin/batches/{batch}/", "", 200},
		{"GET", "/api/v1/admin/batches/guests/pdf/", "/api/v1/admin/batches/{batch}/pdf/", "", 200},
		{"POST", "/api/v1/admin/batches/guests/expire/", "/api/v1/admin/batches/{batch}/expire/", "", 200},
		{"POST", "/api/v1/admin/radius-tokens/", "", `{"username": "amy"}`, 201},
		{"GET", "/api/v1/admin/radius-tokens/", "", "", 200},
		{"GET", "/api/v1/admin/sessions/?is_open=true", "/api/v1/admin/sessions/", "", 200},
		{"GET", "/api/v1/admin/sessions/1/", "/api/v1/admin/sessions/{id}/", "", 200},
		{"POST", "/api/v1/admin/sessions/1/close/", "/api/v1/admin/sessions/{id}/close/", "", 200},
		{"POST", "/api/v1/admin/sessions/1/close/", "/api/v1/admin/sessions/{id}/close/", "", 400},
		{"GET", "/api/v1/admin/postauth/", "", "", 200},
		{"DELETE", "/api/v1/admin/postauth/?older_than_days=30", "/api/v1/admin/postauth/", "", 200},
		{"DELETE", "/api/v1/admin/sessions/?older_than_days=30", "/api/v1/admin/sessions/", "", 200},
		{"DELETE", "/api/v1/admin/batches/guests/", "/api/v1/admin/batches/{batch}/", "", 204},
		{"GET", "/api/v1/admin/nas/1/", "/api/v1/admin/nas/{id}/", "", 200},
		{"DELETE", "/api/v1/admin/nas/1/", "/api/v1/admin/nas/{id}/", "", 204},
		{"POST", "/api/v1/admin/logout/", "", "", 204},
		{"GET", "/api/v1/admin/me/", "", "", 401},
	}
	wildcard := regexp.MustCompile(`\{([^}]*)\}`)
	for _, x := range exchanges {
		docPath := x.docPath
		if docPath == "" {
			docPath, _, _ = strings.Cut(x.path, "?")
		}
		item := d.doc.Paths.Value(docPath)
		if item == nil || item.GetOperation(x.method) == nil {
			t.Fatalf("%s %s is not documented", x.method, docPath)
		}
		op := item.GetOperation(x.method)
		ct := ""
		if x.body != "" {
			ct = js
		}
		rec := d.serve(x.method, x.path, ct, []byte(x.body))
		if rec.Code != x.status {
			t.Fatalf("%s %s: status %d, want %d (%s)", x.method, x.path, rec.Code, x.status, rec.Body)
		}
		req := httptest.NewRequest(x.method, x.path, strings.NewReader(x.body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		params := map[string]string{}
		path, _, _ := strings.Cut(x.path, "?")
		segs, docSegs := strings.Split(path, "/"), strings.Split(docPath, "/")
		for i, s := range docSegs {
			if m := wildcard.FindStringSubmatch(s); m != nil {
				params[m[1]] = segs[i]
			}
		}
		in := &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params,
			Route:   &routers.Route{Spec: d.doc, Path: docPath, PathItem: item, Method: x.method, Operation: op},
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		}
		if x.status < 300 {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s %s: the document refuses a request the server accepts: %v", x.method, x.path, err)
			}
		}
		body := rec.Body.Bytes()
		err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: len(body) == 0},
		})
		if err != nil {
			t.Errorf("%s %s: answer %d does not match the document: %v\nbody: %.400s", x.method, x.path, rec.Code, err, body)
		}
	}
}
