package httpx

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestMuxNamesRoutes(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	m := NewMux()
	m.Handle("/api/v1/authorize", ok)
	m.Handle("/api/v1/authorize/{$}", ok)
	m.Handle("/api/v1/batch/{id}/pdf/{$}", ok) // slash form first
	m.Handle("/api/v1/batch/{id}/pdf", ok)
	m.HandleFunc("GET /healthz", ok)
	m.Handle("/api/v1/openapi.json", ok)
	m.Handle("/only/{$}", ok)
	m.NotFound(ok)

	wantPatterns := []string{"/api/v1/authorize", "/api/v1/authorize/{$}", "/api/v1/batch/{id}/pdf/{$}", "/api/v1/batch/{id}/pdf",
		"GET /healthz", "/api/v1/openapi.json", "/only/{$}", "/"}
	if got := m.Patterns(); !slices.Equal(got, wantPatterns) {
		t.Fatalf("Patterns() = %q, want %q", got, wantPatterns)
	}

	tests := []struct{ method, path, route string }{
		{"POST", "/api/v1/authorize", "/api/v1/authorize/"},
		{"POST", "/api/v1/authorize/", "/api/v1/authorize/"},
		{"GET", "/api/v1/batch/abc/pdf", "/api/v1/batch/{id}/pdf/"},
		{"GET", "/api/v1/batch/abc/pdf/", "/api/v1/batch/{id}/pdf/"},
		{"GET", "/healthz", "/healthz"},
		{"POST", "/healthz", Unmatched}, // the catch-all takes other methods
		{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json"},
		{"GET", "/only/", "/only/"},
		{"GET", "/only", "/only/"}, // the mux redirects to the slash form
		{"GET", "/api/v1/authorize/extra", Unmatched},
		{"GET", "/anything/at/all", Unmatched},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if got := m.RouteName(m.Match(r)); got != tc.route {
			t.Errorf("%s %s: route %q, want %q", tc.method, tc.path, got, tc.route)
		}
		// Serving sets r.Pattern to the pattern Match found, which is what
		// the metrics middleware names.
		m.ServeHTTP(httptest.NewRecorder(), r)
		if got := m.RouteName(r.Pattern); got != tc.route {
			t.Errorf("%s %s: after serving, route %q, want %q", tc.method, tc.path, got, tc.route)
		}
	}
	if got := m.RouteName(""); got != Unmatched {
		t.Errorf(`RouteName("") = %q`, got)
	}
}

func TestSplitPattern(t *testing.T) {
	tests := []struct{ pattern, method, path string }{
		{"GET /healthz", "GET", "/healthz"},
		{"POST  /x/{$}", "POST", "/x/{$}"},
		{"/api/v1/authorize", "", "/api/v1/authorize"},
		{"/a b", "", "/a b"},
	}
	for _, tc := range tests {
		if m, p := SplitPattern(tc.pattern); m != tc.method || p != tc.path {
			t.Errorf("SplitPattern(%q) = %q, %q; want %q, %q", tc.pattern, m, p, tc.method, tc.path)
		}
	}
}
