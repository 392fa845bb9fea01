// Package openapi serves the OpenAPI 3 document of goradius's HTTP API,
// written by hand in openapi.json, and a self-contained web page made from
// it. A test holds the document to the routes the server really serves.
package openapi

import (
	_ "embed"
	"net/http"
	"strconv"
	"sync"

	"github.com/goradius/goradius/internal/httpx"
)

// Paths where the document and its page are served.
const (
	DocumentPath = "/api/v1/openapi.json"
	PagePath     = "/api/v1/docs"
)

//go:embed openapi.json
var document []byte

// Document returns the OpenAPI document. The caller must not change it.
func Document() []byte { return document }

// ServeDocument answers the OpenAPI document.
func ServeDocument(w http.ResponseWriter, r *http.Request) {
	write(w, "application/json", document)
}

// page renders the page once, on first use.
var page = sync.OnceValues(func() ([]byte, error) { return Render(document) })

// ServePage answers the document as a web page.
func ServePage(w http.ResponseWriter, r *http.Request) {
	b, err := page()
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	write(w, "text/html; charset=utf-8", b)
}

func write(w http.ResponseWriter, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
