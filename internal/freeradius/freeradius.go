// Package freeradius renders a FreeRADIUS 3.x configuration (Debian's
// /etc/freeradius/3.0 layout) that points FreeRADIUS's rest module at
// goradius: the rest module, a virtual server and an inner-tunnel server
// for PEAP and EAP-TTLS.
package freeradius

import (
	"bytes"
	"embed"
	"fmt"
	"net/url"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.ParseFS(templateFS, "templates/*.tmpl"))

// Style is how the rest module encodes request bodies.
type Style string

const (
	// Native lets rlm_rest encode every request attribute itself
	// (body = 'json' without a data template): every value is escaped
	// correctly and every attribute reaches goradius.
	Native Style = "native"
	// Django uses django-freeradius's hand-written data = '{...}' JSON
	// templates, for installations configured for django-freeradius.
	Django Style = "django"
)

// TokenPlaceholder is written in place of the API token when none is given.
const TokenPlaceholder = "REPLACE-WITH-THE-GORADIUS-API-TOKEN"

// Paths of the rendered files, relative to the FreeRADIUS configuration
// directory (/etc/freeradius/3.0 on Debian).
const (
	RestModule  = "mods-available/rest"
	Site        = "sites-available/goradius"
	InnerTunnel = "sites-available/goradius-inner-tunnel"
)

// SiteName and InnerTunnelName are the virtual server names of Site and
// InnerTunnel.
const (
	SiteName        = "goradius"
	InnerTunnelName = "goradius-inner-tunnel"
)

// Options selects what Render writes.
type Options struct {
	// URL is goradius's address as FreeRADIUS reaches it, e.g.
	// http://127.0.0.1:8000 (a path prefix is kept; a trailing slash is
	// dropped).
	URL string
	// Token is the API token; "" writes TokenPlaceholder.
	Token string
	// Style is Native ("" means Native) or Django.
	Style Style
}

// File is one rendered configuration file.
type File struct {
	Path    string // relative to the configuration directory
	Content []byte
}

// ParseStyle checks a style name.
func ParseStyle(s string) (Style, error) {
	switch Style(s) {
	case Native, Django:
		return Style(s), nil
	case "":
		return Native, nil
	}
	return "", fmt.Errorf("unknown style %q (native or django)", s)
}

// CheckURL checks that u is an http(s) URL that can be written in a
// FreeRADIUS configuration, and returns it without its trailing slashes.
func CheckURL(u string) (string, error) {
	if u == "" {
		return "", fmt.Errorf("the URL of goradius is needed, e.g. http://127.0.0.1:8000")
	}
	// Written in a double-quoted string that FreeRADIUS expands: no quote,
	// backslash, ${...} or %{...}.
	if i := strings.IndexAny(u, "\"'\\%${}` \t\r\n"); i >= 0 {
		return "", fmt.Errorf("URL %q: the character %q cannot be written in a FreeRADIUS configuration", u, u[i])
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return "", fmt.Errorf("URL %q: the scheme must be http or https, e.g. http://127.0.0.1:8000", u)
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("URL %q: %v", u, err)
	}
	if p.Scheme != "http" && p.Scheme != "https" {
		return "", fmt.Errorf("URL %q: the scheme must be http or https", u)
	}
	if p.Host == "" {
		return "", fmt.Errorf("URL %q has no host", u)
	}
	if p.RawQuery != "" || p.Fragment != "" || p.User != nil {
		return "", fmt.Errorf("URL %q: no user, query or fragment please, only scheme://host:port[/path]", u)
	}
	return strings.TrimRight(u, "/"), nil
}

// CheckToken checks that an API token can be written in a FreeRADIUS
// configuration and sent in an Authorization header.
func CheckToken(t string) error {
	if len(t) < 15 {
		return fmt.Errorf("the API token must have at least 15 characters")
	}
	for _, c := range t {
		// Written in a double-quoted string that FreeRADIUS expands, then
		// in a header goradius splits on commas.
		if c <= ' ' || c >= 0x7f || strings.ContainsRune("\"'\\%${}`,", c) {
			return fmt.Errorf("the API token contains %q, which cannot be written in a FreeRADIUS configuration or an Authorization header", c)
		}
	}
	return nil
}

// Render renders the configuration files.
func Render(o Options) ([]File, error) {
	style, err := ParseStyle(string(o.Style))
	if err != nil {
		return nil, err
	}
	u, err := CheckURL(o.URL)
	if err != nil {
		return nil, err
	}
	token := o.Token
	if token == "" {
		token = TokenPlaceholder
	} else if err := CheckToken(token); err != nil {
		return nil, err
	}
	data := struct {
		URL, Token string
		Style      Style
	}{u, token, style}
	var files []File
	for _, f := range []struct{ path, tmpl string }{
		{RestModule, "rest.tmpl"},
		{Site, "goradius.tmpl"},
		{InnerTunnel, "inner-tunnel.tmpl"},
	} {
		var b bytes.Buffer
		if err := templates.ExecuteTemplate(&b, f.tmpl, data); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", f.path, err)
		}
		files = append(files, File{Path: f.path, Content: b.Bytes()})
	}
	return files, nil
}
