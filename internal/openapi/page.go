package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strings"
)

// The parts of an OpenAPI 3.0 document the page shows.
type (
	oaDoc struct {
		Info struct {
			Title, Version, Description string
		}
		Tags       []struct{ Name, Description string }
		Security   []map[string][]string
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			SecuritySchemes map[string]oaSecurity
			Parameters      map[string]oaParam
			Headers         map[string]oaParam
			RequestBodies   map[string]oaBody
			Responses       map[string]oaResponse
			Schemas         map[string]*oaSchema
		}
	}
	oaSecurity struct {
		Type, Scheme, In, Name, Description string
	}
	oaOperation struct {
		Tags                              []string
		Summary, Description, OperationID string
		Parameters                        []oaParam
		RequestBody                       *oaBody
		Responses                         map[string]oaResponse
		Security                          *[]map[string][]string
	}
	oaParam struct {
		Ref                   string `json:"$ref"`
		Name, In, Description string
		Required              bool
		Schema                *oaSchema
	}
	oaBody struct {
		Ref         string `json:"$ref"`
		Description string
		Required    bool
		Content     map[string]oaMedia
	}
	oaMedia struct {
		Schema  *oaSchema
		Example any
	}
	oaResponse struct {
		Ref         string `json:"$ref"`
		Description string
		Headers     map[string]oaParam
		Content     map[string]oaMedia
	}
	oaSchema struct {
		Ref                       string `json:"$ref"`
		Type, Format, Description string
		Properties                map[string]*oaSchema
		Required                  []string
		Items                     *oaSchema
		Enum                      []any
		Nullable                  bool
		OneOf                     []*oaSchema
		AdditionalProperties      json.RawMessage
		MaxLength                 *int
		Minimum, Maximum          *float64
		Example                   any
	}
)

// The page's view of the document.
type (
	pageView struct {
		Title, Version string
		Intro          []template.HTML
		Security       []fieldView
		Groups         []groupView
		Schemas        []schemaView
	}
	groupView struct {
		Name        string
		Description template.HTML
		Ops         []opView
	}
	opView struct {
		Anchor, Method, Path, Summary string
		Description                   []template.HTML
		Auth                          template.HTML
		Params                        []fieldView
		Body                          *contentView
		Responses                     []contentView
	}
	fieldView struct {
		Name, In    string
		Type        template.HTML
		Required    bool
		Description template.HTML
	}
	contentView struct {
		Code        string
		Description template.HTML
		Media       []string
		Type        template.HTML
		Headers     []fieldView
		Example     string
	}
	schemaView struct {
		Name        string
		Description template.HTML
		Type        template.HTML
		Fields      []fieldView
		Example     string
	}
)

var methodOrder = []string{"get", "head", "post", "put", "patch", "delete", "options"}

// Render makes the HTML page of an OpenAPI 3.0 document: every operation
// by tag with its token, parameters, body and answers, then the schemas.
// It needs nothing from outside the page (the server may be offline).
func Render(docJSON []byte) ([]byte, error) {
	var d oaDoc
	if err := json.Unmarshal(docJSON, &d); err != nil {
		return nil, fmt.Errorf("reading the OpenAPI document: %w", err)
	}
	v := pageView{Title: d.Info.Title, Version: d.Info.Version, Intro: paragraphs(d.Info.Description)}
	for _, name := range sortedKeys(d.Components.SecuritySchemes) {
		s := d.Components.SecuritySchemes[name]
		v.Security = append(v.Security, fieldView{Name: name, Type: template.HTML(template.HTMLEscapeString(securityKind(s))), Description: inline(s.Description)})
	}

	groups := map[string]*groupView{}
	var order []string
	for _, t := range d.Tags {
		groups[t.Name] = &groupView{Name: t.Name, Description: inline(t.Description)}
		order = append(order, t.Name)
	}
	for _, path := range sortedKeys(d.Paths) {
		item := d.Paths[path]
		for _, method := range methodOrder {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("reading %s %s: %w", method, path, err)
			}
			ov, err := d.operation(method, path, &op)
			if err != nil {
				return nil, err
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g, ok := groups[tag]
			if !ok {
				g = &groupView{Name: tag}
				groups[tag] = g
				order = append(order, tag)
			}
			g.Ops = append(g.Ops, ov)
		}
	}
	for _, name := range order {
		if len(groups[name].Ops) > 0 {
			v.Groups = append(v.Groups, *groups[name])
		}
	}
	for _, name := range sortedKeys(d.Components.Schemas) {
		s := d.Components.Schemas[name]
		v.Schemas = append(v.Schemas, schemaView{
			Name: name, Description: inline(s.Description), Type: d.typeOf(s),
			Fields: d.fields(s), Example: example(s.Example),
		})
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("rendering the API page: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *oaDoc) operation(method, path string, op *oaOperation) (opView, error) {
	ov := opView{
		Anchor: op.OperationID, Method: strings.ToUpper(method), Path: path,
		Summary: op.Summary, Description: paragraphs(op.Description),
	}
	if ov.Anchor == "" {
		ov.Anchor = method + path
	}
	sec := d.Security
	if op.Security != nil {
		sec = *op.Security
	}
	ov.Auth = authText(sec)
	for _, p := range op.Parameters {
		if p.Ref != "" {
			rp, ok := d.Components.Parameters[refName(p.Ref)]
			if !ok {
				return ov, fmt.Errorf("%s %s: unknown parameter %s", method, path, p.Ref)
			}
			p = rp
		}
		ov.Params = append(ov.Params, fieldView{Name: p.Name, In: p.In, Type: d.typeOf(p.Schema), Required: p.Required, Description: inline(p.Description)})
	}
	if b := op.RequestBody; b != nil {
		if b.Ref != "" {
			rb, ok := d.Components.RequestBodies[refName(b.Ref)]
			if !ok {
				return ov, fmt.Errorf("%s %s: unknown request body %s", method, path, b.Ref)
			}
			b = &rb
		}
		cv := d.content("", b.Description, b.Content, nil)
		ov.Body = &cv
	}
	codes := sortedKeys(op.Responses)
	for _, code := range codes {
		r := op.Responses[code]
		if r.Ref != "" {
			rr, ok := d.Components.Responses[refName(r.Ref)]
			if !ok {
				return ov, fmt.Errorf("%s %s: unknown response %s", method, path, r.Ref)
			}
			r = rr
		}
		ov.Responses = append(ov.Responses, d.content(code, r.Description, r.Content, r.Headers))
	}
	return ov, nil
}

// content describes a body: its media types share one schema here, so the
// first one with a schema (in name order) stands for all.
func (d *oaDoc) content(code, desc string, content map[string]oaMedia, headers map[string]oaParam) contentView {
	cv := contentView{Code: code, Description: inline(desc), Media: sortedKeys(content)}
	for _, mt := range cv.Media {
		m := content[mt]
		if cv.Type == "" && m.Schema != nil {
			cv.Type = d.typeOf(m.Schema)
		}
		if cv.Example == "" {
			cv.Example = example(m.Example)
		}
	}
	for _, name := range sortedKeys(headers) {
		h := headers[name]
		if h.Ref != "" {
			h = d.Components.Headers[refName(h.Ref)]
		}
		cv.Headers = append(cv.Headers, fieldView{Name: name, Type: d.typeOf(h.Schema), Description: inline(h.Description)})
	}
	return cv
}

// fields lists an object schema's properties, required ones first.
func (d *oaDoc) fields(s *oaSchema) []fieldView {
	var out []fieldView
	names := sortedKeys(s.Properties)
	sort.SliceStable(names, func(i, j int) bool {
		return slices.Contains(s.Required, names[i]) && !slices.Contains(s.Required, names[j])
	})
	for _, name := range names {
		p := s.Properties[name]
		desc := p.Description
		if p.Ref != "" && desc == "" {
			if rs, ok := d.Components.Schemas[refName(p.Ref)]; ok && len(rs.Properties) == 0 {
				desc = rs.Description
			}
		}
		out = append(out, fieldView{Name: name, Type: d.typeOf(p), Required: slices.Contains(s.Required, name), Description: inline(desc)})
	}
	if extra := string(s.AdditionalProperties); extra != "" && extra != "false" {
		t := template.HTML("any")
		var as oaSchema
		if extra != "true" && json.Unmarshal(s.AdditionalProperties, &as) == nil {
			t = d.typeOf(&as)
		}
		out = append(out, fieldView{Name: "(any other key)", Type: t})
	}
	return out
}

// typeOf names a schema's type, linking to named schemas.
func (d *oaDoc) typeOf(s *oaSchema) template.HTML {
	if s == nil {
		return ""
	}
	var t string
	switch {
	case s.Ref != "":
		name := refName(s.Ref)
		t = `<a href="#schema-` + template.HTMLEscapeString(name) + `">` + template.HTMLEscapeString(name) + `</a>`
	case len(s.OneOf) > 0:
		parts := make([]string, len(s.OneOf))
		for i, o := range s.OneOf {
			parts[i] = string(d.typeOf(o))
		}
		t = strings.Join(parts, " or ")
	case s.Type == "array":
		t = "array of " + string(d.typeOf(s.Items))
	case s.Type != "":
		t = template.HTMLEscapeString(s.Type)
		if s.Format != "" {
			t += " (" + template.HTMLEscapeString(s.Format) + ")"
		}
	default:
		t = "any"
	}
	var notes []string
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			vals[i] = "<code>" + template.HTMLEscapeString(fmt.Sprint(e)) + "</code>"
		}
		notes = append(notes, "one of "+strings.Join(vals, ", "))
	}
	if s.MaxLength != nil {
		notes = append(notes, fmt.Sprintf("at most %d characters", *s.MaxLength))
	}
	if s.Minimum != nil && s.Maximum != nil {
		notes = append(notes, fmt.Sprintf("%g to %g", *s.Minimum, *s.Maximum))
	}
	if s.Nullable {
		notes = append(notes, "or null")
	}
	if len(notes) > 0 {
		t += ", " + strings.Join(notes, ", ")
	}
	return template.HTML(t)
}

func authText(sec []map[string][]string) template.HTML {
	if len(sec) == 0 {
		return "none"
	}
	optional := false
	var names []string
	for _, req := range sec {
		if len(req) == 0 {
			optional = true
		}
		for name := range req {
			names = append(names, `<a href="#security">`+template.HTMLEscapeString(name)+`</a>`)
		}
	}
	t := "the API token (" + strings.Join(names, ", ") + ")"
	if optional {
		t += ", when the server is configured to ask for it"
	}
	return template.HTML(t)
}

func securityKind(s oaSecurity) string {
	switch s.Type {
	case "http":
		return "HTTP " + s.Scheme
	case "apiKey":
		return s.In + " " + s.Name
	}
	return s.Type
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func example(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

// paragraphs splits text on blank lines.
func paragraphs(s string) []template.HTML {
	var out []template.HTML
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, inline(p))
		}
	}
	return out
}

// inline escapes text and shows `quoted` spans as code.
func inline(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		p = template.HTMLEscapeString(p)
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + p + "</code>")
		} else if i%2 == 1 {
			b.WriteString("`" + p) // an unpaired backquote stays as it is
		} else {
			b.WriteString(p)
		}
	}
	return template.HTML(b.String())
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f23;background:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 4rem}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;margin-top:2.5rem}
h3{margin:2rem 0 .3rem;font-size:1.1rem}
code,pre{font-family:ui-monospace,monospace;font-size:.9em;background:#f3f4f6;border-radius:3px}
code{padding:0 .2em}pre{padding:.6rem;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid #e5e7eb;padding:.25rem .5rem}
th{font-weight:600;background:#f9fafb}
.m{display:inline-block;min-width:4.2rem;font-weight:700;color:#fff;border-radius:3px;text-align:center;margin-right:.4rem}
.GET{background:#2563eb}.POST{background:#16a34a}.PUT,.PATCH{background:#d97706}.DELETE{background:#dc2626}
.op{border:1px solid #e5e7eb;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
.muted{color:#6b7280}nav ul{columns:2}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="muted">Version {{.Version}} &middot; <a href="/api/v1/openapi.json">OpenAPI document</a></p>
{{range .Intro}}<p>{{.}}</p>
{{end}}
<nav><ul>
{{range .Groups}}{{range .Ops}}<li><a href="#{{.Anchor}}"><code>{{.Method}} {{.Path}}</code></a> {{.Summary}}</li>
{{end}}{{end}}</ul></nav>

<h2 id="security">API token</h2>
<table><tr><th>scheme</th><th>sent as</th><th></th></tr>
{{range .Security}}<tr><td><code>{{.Name}}</code></td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{end}}</table>
{{range .Groups}}
<h2>{{.Name}}</h2>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{range .Ops}}<section class="op" id="{{.Anchor}}">
<h3><span class="m {{.Method}}">{{.Method}}</span><code>{{.Path}}</code></h3>
<p><strong>{{.Summary}}</strong></p>
{{range .Description}}<p>{{.}}</p>
{{end}}<p>Token: {{.Auth}}</p>
{{if .Params}}<h4>Parameters</h4>
<table><tr><th>name</th><th>in</th><th>type</th><th>required</th><th></th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Type}}</td><td>{{if .Required}}yes{{end}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}
{{with .Body}}<h4>Request body</h4>
<p>{{.Type}} as {{range $i, $m := .Media}}{{if $i}}, {{end}}<code>{{$m}}</code>{{end}}</p>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Example}}<pre>{{.Example}}</pre>{{end}}{{end}}
<h4>Answers</h4>
<table><tr><th>status</th><th>meaning</th><th>body</th></tr>
{{range .Responses}}<tr><td><strong>{{.Code}}</strong></td><td>{{.Description}}{{range .Headers}}<br>Header <code>{{.Name}}</code>: {{.Description}}{{end}}{{if .Example}}<pre>{{.Example}}</pre>{{end}}</td>
<td>{{if .Media}}{{.Type}}{{range .Media}}<br><code>{{.}}</code>{{end}}{{else}}<span class="muted">empty</span>{{end}}</td></tr>
{{end}}</table>
</section>
{{end}}{{end}}
<h2>Schemas</h2>
{{range .Schemas}}<section id="schema-{{.Name}}">
<h3>{{.Name}}</h3>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Fields}}<table><tr><th>field</th><th>type</th><th>required</th><th></th></tr>
{{range .Fields}}<tr><td><code>{{.Name}}</code></td><td>{{.Type}}</td><td>{{if .Required}}yes{{end}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{else}}<p>{{.Type}}</p>{{end}}
{{if .Example}}<pre>{{.Example}}</pre>{{end}}
</section>
{{end}}
</main>
</body>
</html>
`))
