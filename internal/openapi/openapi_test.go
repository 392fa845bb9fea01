package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/goradius/goradius/internal/config"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/openapi"
	"github.com/goradius/goradius/internal/server"
	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/users"
)

const token = "openapi-test-token-0123456789"

// newServer is the real handler on a fresh SQLite database with a user
// alice (password "a-good-password").
func newServer(t *testing.T) *server.Handler {
	t.Helper()
	l := config.Register(flag.NewFlagSet("test", flag.ContinueOnError), config.ServeOptions|config.DBOptions)
	c, err := l.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.APIToken, c.PasswordIterations = token, 1000
	s, _ := dbtest.Open(t, dbtest.SQLite)
	d := server.Deps{Config: c, Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := server.NewUsers(d).Add(context.Background(), users.NewUser{Username: "alice", Password: "a-good-password", Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	return server.New(d, token)
}

func loadDocument(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	return doc
}

func TestDocumentValidates(t *testing.T) {
	doc := loadDocument(t)
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3.0 document: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q, want 3.x", doc.OpenAPI)
	}
}

// probeMethods are the methods tried on every route. HEAD is left out: it
// follows GET everywhere and is not documented on its own.
var probeMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// concrete turns a route's path into one a request can use.
func concrete(path string) string {
	path = strings.TrimSuffix(path, "{$}")
	return regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(path, "00000000-0000-0000-0000-000000000000")
}

// probe sends an empty request with the API token and returns the route
// name it reached and the status. A route behind other credentials (the
// admin API's) needs them added here to have its methods checked.
func probe(h *server.Handler, method, path string) (route string, status int) {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	route = h.Mux.RouteName(h.Mux.Match(req))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return route, rec.Code
}

// TestRoutesMatchDocument holds the document to the routes server.New
// really registers, both ways: every served route and method is
// documented, and every documented operation reaches its route (not the
// not-found catch-all, not a 405). When the admin API (/api/v1/admin/...)
// is wired into server.New, this test fails until openapi.json documents
// its routes: that is its purpose.
//
// A method-less pattern's methods are found by probing with the API token:
// a method it does not serve answers 405. A route that checks other
// credentials before the method (it does not answer 405 to "BREW") cannot
// be probed so; then only its path is held to the document, until probe
// learns its credentials.
func TestRoutesMatchDocument(t *testing.T) {
	h := newServer(t)
	doc := loadDocument(t)

	documented := map[string]bool{}
	documentedPaths := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
			documentedPaths[path] = true
		}
	}

	served := map[string]bool{}
	opaque := map[string]bool{} // paths whose methods cannot be probed
	for _, p := range h.Mux.Patterns() {
		name := h.Mux.RouteName(p)
		if name == httpx.Unmatched {
			continue // the catch-all
		}
		method, path := httpx.SplitPattern(p)
		if route, _ := probe(h, "GET", concrete(path)); method == "" && route != name {
			t.Fatalf("%s reached route %q, not its own pattern %q", concrete(path), route, p)
		}
		if method != "" {
			served[method+" "+name] = true
			continue
		}
		if _, status := probe(h, "BREW", concrete(path)); status != http.StatusMethodNotAllowed {
			opaque[name] = true
			continue
		}
		for _, m := range probeMethods {
			if _, status := probe(h, m, concrete(path)); status != http.StatusMethodNotAllowed {
				served[m+" "+name] = true
			}
		}
	}
	if len(served) < 10 {
		t.Fatalf("only %d routes found: %v", len(served), served)
	}

	for _, op := range slices.Sorted(maps.Keys(served)) {
		if !documented[op] {
			t.Errorf("%s is served but not in internal/openapi/openapi.json: document it", op)
		}
	}
	for _, path := range slices.Sorted(maps.Keys(opaque)) {
		if !documentedPaths[path] {
			t.Errorf("%s is served but not in internal/openapi/openapi.json: document it", path)
		} else {
			t.Logf("%s checks credentials other than the API token before the method: only its path is checked", path)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		method, path, _ := strings.Cut(op, " ")
		route, status := probe(h, method, concrete(path))
		switch {
		case route != path:
			t.Errorf("%s is documented but the server routes it to %q", op, route)
		case status == http.StatusMethodNotAllowed:
			t.Errorf("%s is documented but answers 405", op)
		case !served[op] && !opaque[path]:
			t.Errorf("%s is documented but no registered pattern serves it", op)
		}
	}
}

// exchange is a request to send and the operation of the document it is
// for.
type exchange struct {
	method, path, docPath string
	contentType, body     string
	noToken               bool
	status                int
}

// TestAnswersMatchDocument sends real requests, one or more for every
// documented status that can be produced without a failing database, and
// checks each request and answer against the document: status documented,
// body matching its schema, empty bodies documented as such.
func TestAnswersMatchDocument(t *testing.T) {
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	h := newServer(t)
	doc := loadDocument(t)
	ctx := context.Background()

	const js = "application/json"
	acct := func(status string) string {
		return `{"status_type": "` + status + `", "session_id": "35000006", "unique_id": "75058e50", "username": "alice", "nas_ip_address": "172.16.64.91", "session_time": "", "input_octets": "", "output_octets": "", "called_station_id": "", "framed_ip_address": ""}`
	}
	csvType, csvBody := multipartCSV(t)

	exchanges := []exchange{
		{"POST", "/api/v1/authorize/", "", js, `{"username": "alice", "password": "a-good-password"}`, false, 200},
		{"POST", "/api/v1/authorize", "/api/v1/authorize/", "application/x-www-form-urlencoded", `username=alice&password=wrong`, false, 200},
		{"POST", "/api/v1/authorize/", "", js, `{"username": "alice"`, false, 400},
		{"POST", "/api/v1/authorize/", "", js, `{"username": "alice", "password": "x"}`, true, 403},
		{"POST", "/api/v1/authorize/", "", "text/plain", `hello`, false, 415},
		{"POST", "/api/v1/postauth/", "", js, `{"username": "alice", "password": "x", "reply": "Access-Reject", "called_station_id": "", "calling_station_id": ""}`, false, 201},
		{"POST", "/api/v1/postauth/", "", js, `{"password": "x"}`, false, 400},
		{"POST", "/api/v1/accounting/", "", js, acct("Start"), false, 201},
		{"POST", "/api/v1/accounting/", "", js, acct("Interim-Update"), false, 200},
		{"POST", "/api/v1/accounting/", "", js, `{"status_type": "Accounting-On", "nas_ip_address": "172.16.64.91"}`, false, 200},
		{"POST", "/api/v1/accounting/", "", js, `{"status_type": "Bogus"}`, false, 400},
		{"GET", "/api/v1/accounting/?username=alice", "/api/v1/accounting/", "", "", false, 200},
		{"GET", "/api/v1/accounting/?page_size=1&page=1", "/api/v1/accounting/", "", "", false, 200},
		{"GET", "/api/v1/accounting/?start_time=yesterday", "/api/v1/accounting/", "", "", false, 400},
		{"GET", "/api/v1/accounting/?page=9", "/api/v1/accounting/", "", "", false, 404},
		{"POST", "/api/v1/batch/", "", js, `{"name": "guests", "strategy": "prefix", "prefix": "guest", "number_of_users": "2", "expiration_date": "2099-12-31"}`, false, 201},
		{"POST", "/api/v1/batch/", "", csvType, csvBody, false, 201},
		{"POST", "/api/v1/batch/", "", js, `{"name": "x", "strategy": "maybe"}`, false, 400},
		{"GET", "/api/v1/batch/00000000-0000-0000-0000-000000000000/pdf/", "/api/v1/batch/{id}/pdf/", "", "", false, 404},
		{"GET", "/api/v1/usage/?username=alice", "/api/v1/usage/", "", "", false, 200},
		{"GET", "/api/v1/usage/", "", "", "", false, 400},
		{"GET", "/api/v1/usage/?username=nobody", "/api/v1/usage/", "", "", false, 404},
		{"POST", "/api/v1/account/token/", "", js, `{"username": "alice", "password": "a-good-password"}`, true, 200},
		{"POST", "/api/v1/account/token/", "", js, `{"username": "alice", "password": "wrong"}`, true, 400},
		{"POST", "/api/v1/account/token/validate/", "", js, `{"token": "nonsense"}`, true, 401},
		{"GET", "/healthz", "", "", "", true, 200},
		{"GET", "/metrics", "", "", "", true, 200},
		{"GET", "/api/v1/openapi.json", "", "", "", true, 200},
		{"GET", "/api/v1/docs/", "", "", "", true, 200},
	}
	var batchFiles []exchange
	for _, ex := range exchanges {
		rec := check(t, ctx, h, doc, ex)
		if ex.path == "/api/v1/batch/" && ex.status == 201 {
			// Fetch the files the new batch links to.
			var b struct{ ID, Strategy string }
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			kind := "csv"
			if b.Strategy == "prefix" {
				kind = "pdf"
			}
			batchFiles = append(batchFiles, exchange{"GET", "/api/v1/batch/" + b.ID + "/" + kind + "/", "/api/v1/batch/{id}/" + kind + "/", "", "", false, 200})
		}
		if ex.path == "/api/v1/account/token/" && ex.status == 200 {
			var p struct{ Key string }
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			check(t, ctx, h, doc, exchange{"POST", "/api/v1/account/token/validate/", "", js, `{"token": "` + p.Key + `"}`, true, 200})
		}
	}
	if len(batchFiles) != 2 {
		t.Fatalf("%d batch files to fetch, want 2", len(batchFiles))
	}
	for _, ex := range batchFiles {
		check(t, ctx, h, doc, ex)
	}
}

// check sends ex through the handler and validates the request and the
// answer against the document.
func check(t *testing.T, ctx context.Context, h *server.Handler, doc *openapi3.T, ex exchange) *httptest.ResponseRecorder {
	t.Helper()
	docPath := ex.docPath
	if docPath == "" {
		docPath = strings.SplitN(ex.path, "?", 2)[0]
	}
	item := doc.Paths.Value(docPath)
	if item == nil {
		t.Fatalf("%s is not in the document", docPath)
	}
	op := item.GetOperation(ex.method)
	if op == nil {
		t.Fatalf("%s %s is not in the document", ex.method, docPath)
	}
	req := httptest.NewRequest(ex.method, ex.path, strings.NewReader(ex.body))
	if ex.contentType != "" {
		req.Header.Set("Content-Type", ex.contentType)
	}
	if !ex.noToken {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	params := map[string]string{}
	if strings.Contains(docPath, "{id}") {
		params["id"] = strings.Split(ex.path, "/")[4]
	}
	reqIn := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params,
		Route:   &routers.Route{Spec: doc, Path: docPath, PathItem: item, Method: ex.method, Operation: op},
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if ex.status < 300 {
		// A request the server accepts must be one the document allows.
		if err := openapi3filter.ValidateRequest(ctx, reqIn); err != nil {
			t.Errorf("%s %s: the document refuses a request the server accepts: %v", ex.method, ex.path, err)
		}
		req.Body = io.NopCloser(strings.NewReader(ex.body))
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != ex.status {
		t.Fatalf("%s %s: status %d, want %d (body %q)", ex.method, ex.path, rec.Code, ex.status, rec.Body.String())
	}
	body := rec.Body.Bytes()
	resp := op.Responses.Status(rec.Code)
	if resp == nil || resp.Value == nil {
		t.Fatalf("%s %s: status %d is not documented", ex.method, docPath, rec.Code)
	}
	if len(body) == 0 && len(resp.Value.Content) > 0 && !strings.Contains(*resp.Value.Description, "empty body") {
		t.Errorf("%s %s: an empty %d answer, documented with a body only", ex.method, docPath, rec.Code)
	}
	err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn, Status: rec.Code, Header: rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: len(body) == 0},
	})
	if err != nil {
		t.Errorf("%s %s: answer %d does not match the document: %v\nbody: %.300s", ex.method, ex.path, rec.Code, err, body)
	}
	return rec
}

func multipartCSV(t *testing.T) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("name", "from-csv")
	_ = w.WriteField("strategy", "csv")
	fw, err := w.CreateFormFile("csvfile", "users.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte("carol,cleartext$a-good-password,carol@example.com,Carol,C\n"))
	_ = w.Close()
	return w.FormDataContentType(), buf.String()
}

func TestServesDocumentAndPage(t *testing.T) {
	h := newServer(t)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil)) // no token needed
		if rec.Code != 200 {
			t.Fatalf("GET %s: status %d", path, rec.Code)
		}
		return rec
	}
	rec := get("/api/v1/openapi.json")
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("openapi.json Content-Type %q", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), openapi.Document()) {
		t.Error("openapi.json is not the embedded document")
	}

	page := get("/api/v1/docs/")
	if ct := page.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("page Content-Type %q", ct)
	}
	if !bytes.Equal(get("/api/v1/docs").Body.Bytes(), page.Body.Bytes()) {
		t.Error("/api/v1/docs and /api/v1/docs/ differ")
	}
	html := page.Body.String()
	// Every operation is on the page, with its parameters and schemas.
	doc := loadDocument(t)
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			heading := `<span class="m ` + method + `">` + method + `</span><code>` + path + `</code>`
			if !strings.Contains(html, heading) {
				t.Errorf("the page lacks %s %s", method, path)
			}
		}
	}
	for _, s := range []string{"is_open", `id="schema-AccountingSession"`, "framed_ipv6_prefix", "Token authentication failed", "bearerToken", "multipart/form-data"} {
		if !strings.Contains(html, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	// Self-contained: the server may be offline.
	if m := regexp.MustCompile(`(?i)<(script|link|img)\b|src=|https?://`).FindString(html); m != "" {
		t.Errorf("the page loads something from outside: %q", m)
	}
	// Text from the document is escaped, not interpreted.
	if strings.Contains(html, `<pw>`) || !strings.Contains(html, `&lt;pw&gt;`) {
		t.Error("`cleartext$<pw>` in a description is not escaped")
	}
}

func TestRenderRefusesBrokenDocument(t *testing.T) {
	if _, err := openapi.Render([]byte(`{"paths": {"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/Missing"}]}}}}`)); err == nil {
		t.Error("a dangling $ref rendered without an error")
	}
	if _, err := openapi.Render([]byte(`not json`)); err == nil {
		t.Error("a document that is not JSON rendered without an error")
	}
}
