package adminapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/admin"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/store"
)

var batchFields = []string{"name", "strategy", "csvfile", "prefix", "number_of_users", "expiration_date", "password_length"}

// maxFileName is the width of radbatch's file name columns.
const maxFileName = 255

// Batches are found by id or by name ({batch}).
func (h *Handler) registerBatches(authed func(string, methods)) {
	authed("/batches", methods{http.MethodGet: h.listBatches, http.MethodPost: h.createBatch})
	authed("/batches/{batch}", methods{http.MethodGet: h.getBatch, http.MethodDelete: h.deleteBatch})
	authed("/batches/{batch}/pdf", methods{http.MethodGet: h.batchFile("pdf")})
	authed("/batches/{batch}/csv", methods{http.MethodGet: h.batchFile("csv")})
	authed("/batches/{batch}/expire", methods{http.MethodPost: h.expireBatch})
}

// listBatches: filters search (name), strategy (csv or prefix).
func (h *Handler) listBatches(w http.ResponseWriter, r *http.Request) {
	q := h.query(r.URL)
	f := store.BatchFilter{Search: q.text("search"), Strategy: q.text("strategy")}
	if f.Strategy != "" && f.Strategy != "csv" && f.Strategy != "prefix" {
		q.e.Add("strategy", httpx.MsgChoice(f.Strategy))
	}
	if !q.e.Empty() {
		httpx.WriteFieldErrors(w, q.e)
		return
	}
	listPage(w, r, func(offset, limit int) ([]admin.Batch, int, error) {
		return h.Service.ListBatches(r.Context(), f, offset, limit)
	})
}

// createBatch imports a CSV upload (multipart, strategy csv) or generates
// prefix users (JSON or form, strategy prefix), all or nothing. The
// generated passwords are in the batch's PDF only.
func (h *Handler) createBatch(w http.ResponseWriter, r *http.Request) {
	f, ok := h.decode(w, r, true, batchFields, "id", "created", "modified", "user_count", "users", "pdf")
	if !ok {
		return
	}
	b := f.b
	in := admin.BatchInput{ExpirationDate: f.date("expiration_date")}
	if s := f.str("name"); s != nil {
		in.Name = *s
	}
	if s := f.str("strategy"); s != nil {
		in.Strategy = *s
	}
	if s := f.str("prefix"); s != nil {
		in.Prefix = *s
	}
	if file, ok := b.Files["csvfile"]; ok {
		// The client names the file: keep a name every database stores.
		in.CSVName, in.CSV = aaa.Truncate(httpx.CleanText(file.Name), maxFileName), file.Data
	} else if b.Get("csvfile").Kind != httpx.Absent {
		f.e.Add("csvfile", "The submitted data was not a file. Upload it in a multipart/form-data body.")
	}
	if n, _ := f.integer("number_of_users", 0, 1<<31-1, false); n != nil {
		in.Count = int(*n)
	}
	if n, _ := f.integer("password_length", 0, 1<<31-1, false); n != nil {
		in.PasswordLength = int(*n)
	}
	if !f.done(w) {
		return
	}
	bt, _, err := h.Service.CreateBatch(r.Context(), in)
	if err != nil {
		writeError(w, r, err, "")
		return
	}
	httpx.JSON(w, http.StatusCreated, bt)
}

func (h *Handler) getBatch(w http.ResponseWriter, r *http.Request) {
	bt, err := h.Service.Batch(r.Context(), r.PathValue("batch"))
	if err != nil {
		writeError(w, r, err, "batch")
		return
	}
	httpx.JSON(w, http.StatusOK, bt)
}

// deleteBatch removes a batch with its users.
func (h *Handler) deleteBatch(w http.ResponseWriter, r *http.Request) {
	if _, err := h.Service.DeleteBatch(r.Context(), r.PathValue("batch")); err != nil {
		writeError(w, r, err, "batch")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// expireBatch makes the batch's users unable to log in from now on.
func (h *Handler) expireBatch(w http.ResponseWriter, r *http.Request) {
	bt, err := h.Service.ExpireBatch(r.Context(), r.PathValue("batch"))
	if err != nil {
		writeError(w, r, err, "batch")
		return
	}
	httpx.JSON(w, http.StatusOK, bt)
}

// batchFile downloads the credentials PDF or the uploaded CSV.
func (h *Handler) batchFile(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		file, err := h.Service.BatchFile(r.Context(), r.PathValue("batch"), kind)
		if errors.Is(err, store.ErrNotFound) {
			// Tell a missing batch from a batch without that file.
			if _, berr := h.Service.Batch(r.Context(), r.PathValue("batch")); berr == nil {
				what := "This batch has no CSV file: it was generated with a prefix (its credentials are in the PDF)."
				if kind == "pdf" {
					what = "This batch has no PDF: it was imported from a CSV file (generated passwords were e-mailed)."
				}
				httpx.Detail(w, http.StatusNotFound, what)
				return
			}
		}
		if err != nil {
			writeError(w, r, err, "batch")
			return
		}
		hd := w.Header()
		hd.Set("Content-Type", file.ContentType)
		hd.Set("Content-Length", strconv.Itoa(len(file.Content)))
		hd.Set("Content-Disposition", `attachment; filename="`+safeFileName(file.Name)+`"`)
		hd.Set("Cache-Control", "no-store") // it may hold passwords
		hd.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(file.Content)
		}
	}
}

// safeFileName keeps a file name from breaking out of its header quotes.
func safeFileName(s string) string {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || c == '/' || c == 0x7f || c > 0x7e {
			c = '_'
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return "file"
	}
	return string(out)
}
