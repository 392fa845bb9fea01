package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/batch"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/users"
)

// maxBatchBody bounds a batch request (the CSV upload).
const maxBatchBody = 32 << 20

// maxFileName is the size of radbatch's file name columns.
const maxFileName = 255

// userJSON is a user in a batch answer. Unlike django-freeradius, it never
// carries the password hash.
type userJSON struct {
	ID              int64    `json:"id"`
	Username        string   `json:"username"`
	Email           string   `json:"email"`
	FirstName       string   `json:"first_name"`
	LastName        string   `json:"last_name"`
	IsActive        bool     `json:"is_active"`
	IsStaff         bool     `json:"is_staff"`
	IsSuperuser     bool     `json:"is_superuser"`
	LastLogin       *string  `json:"last_login"`
	DateJoined      string   `json:"date_joined"`
	Groups          []string `json:"groups"`
	UserPermissions []string `json:"user_permissions"`
}

type batchJSON struct {
	ID             string     `json:"id"`
	Users          []userJSON `json:"users"`
	Prefix         *string    `json:"prefix"`
	CSVFile        *string    `json:"csvfile"`
	PDF            *string    `json:"pdf"`
	Created        string     `json:"created"`
	Modified       string     `json:"modified"`
	Strategy       string     `json:"strategy"`
	Name           string     `json:"name"`
	ExpirationDate *string    `json:"expiration_date"`
}

// createBatch creates users from an uploaded CSV (multipart) or generates
// them with a prefix, all or nothing: 201 with the batch, or 400 naming the
// field (and the CSV line) at fault.
func (h *Handler) createBatch(w http.ResponseWriter, r *http.Request) {
	b, derr := httpx.DecodeBody(w, r, maxBatchBody, true)
	if derr != nil {
		derr.Write(w)
		return
	}
	req, e := parseBatch(b)
	if e != nil {
		httpx.WriteFieldErrors(w, e)
		return
	}
	res, err := h.Users.CreateBatch(r.Context(), *req)
	if err != nil {
		writeServiceError(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, h.batchJSON(r, res.Batch, res.Users))
}

func parseBatch(b *httpx.Body) (*users.BatchRequest, *httpx.FieldErrors) {
	e := &httpx.FieldErrors{}
	req := &users.BatchRequest{}
	var st httpx.State
	req.Name, st = httpx.Text(e, "name", b.Get("name"), 128, false)
	httpx.Require(e, "name", st, false)

	strategy, st := httpx.Text(e, "strategy", b.Get("strategy"), 0, false)
	if httpx.Require(e, "strategy", st, true) {
		if strategy != users.StrategyCSV && strategy != users.StrategyPrefix {
			e.Add("strategy", httpx.MsgChoice(strategy))
		}
		req.Strategy = strategy
	}
	if f, ok := b.Files["csvfile"]; ok {
		// The client names the file: keep a name every database can store.
		req.CSVName, req.CSV = aaa.Truncate(httpx.CleanText(f.Name), maxFileName), f.Data
	} else if v := b.Get("csvfile"); v.Kind != httpx.Absent && v.Kind != httpx.Null && v.S != "" {
		e.Add("csvfile", "The submitted data was not a file. Check the encoding type on the form.")
	}
	prefix, st := httpx.Text(e, "prefix", b.Get("prefix"), batch.MaxPrefixLen, false)
	n, nst := httpx.Int(e, "number_of_users", b.Get("number_of_users"), 1, 1<<31-1)
	if v := b.Get("expiration_date"); v.Kind == httpx.String && v.S != "" {
		d, err := time.Parse("2006-01-02", v.S)
		if err != nil {
			e.Add("expiration_date", httpx.MsgDate)
		} else {
			req.ExpirationDate = &d
		}
	} else if v.Kind == httpx.Other {
		e.Add("expiration_date", httpx.MsgDate)
	}
	if !e.Empty() {
		return nil, e
	}
	switch req.Strategy {
	case users.StrategyCSV:
		if req.CSV == nil {
			e.Add("csvfile", httpx.MsgRequired)
		}
	case users.StrategyPrefix:
		if st != httpx.Set {
			e.Add("prefix", httpx.MsgRequired)
		} else if p, err := batch.CleanPrefix(prefix); err != nil {
			e.Add("prefix", err.Error())
		} else {
			req.Prefix = p
		}
		if nst != httpx.Set {
			e.Add("number_of_users", "The field number_of_users cannot be empty")
		}
		req.NumberOfUsers = int(n)
	}
	if !e.Empty() {
		return nil, e
	}
	return req, nil
}

func (h *Handler) batchJSON(r *http.Request, bt store.Batch, us []store.User) batchJSON {
	tz := h.TimeZone
	out := batchJSON{
		ID: bt.ID, Users: make([]userJSON, len(us)), Created: httpx.FormatTime(bt.Created, tz),
		Modified: httpx.FormatTime(bt.Modified, tz), Strategy: bt.Strategy, Name: bt.Name,
	}
	if bt.Prefix != "" {
		out.Prefix = &bt.Prefix
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + "/api/v1/batch/" + bt.ID + "/"
	if bt.Strategy == users.StrategyCSV {
		u := base + "csv/"
		out.CSVFile = &u
	} else {
		u := base + "pdf/"
		out.PDF = &u
	}
	if bt.ExpirationDate != nil {
		d := bt.ExpirationDate.Format("2006-01-02")
		out.ExpirationDate = &d
	}
	for i, u := range us {
		out.Users[i] = userJSON{
			ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
			IsActive: u.IsActive, IsStaff: u.IsStaff, IsSuperuser: u.IsSuperuser,
			DateJoined: httpx.FormatTime(u.DateJoined, tz), Groups: []string{}, UserPermissions: []string{},
		}
		if u.LastLogin != nil {
			s := httpx.FormatTime(*u.LastLogin, tz)
			out.Users[i].LastLogin = &s
		}
	}
	return out
}

// batchFile serves a batch's CSV or credentials PDF to API token holders.
func (h *Handler) batchFile(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := h.Store.BatchFile(r.Context(), r.PathValue("id"), kind)
		if errors.Is(err, store.ErrNotFound) {
			httpx.Detail(w, http.StatusNotFound, "Not found.")
			return
		}
		if err != nil {
			httpx.ServerError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
		w.Header().Set("Content-Disposition", `attachment; filename="`+safeFileName(f.Name)+`"`)
		w.Header().Set("Cache-Control", "no-store") // it holds passwords
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.Content)
		}
	}
}

func safeFileName(s string) string {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || c == '/' || c == 0x7f {
			c = '_'
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return "file"
	}
	return string(out)
}
