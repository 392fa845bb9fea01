package batch

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// DefaultPDFTitle is django-freeradius's title for the prefix strategy's PDF.
const DefaultPDFTitle = "WiFi username and passwords"

// Credential is one generated account, as printed in the PDF.
type Credential struct {
	Username string
	Password string
}

// pdfEpoch is the creation date written into every PDF, so the same input
// gives the same bytes (the batch itself records when it was made).
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Page geometry in millimetres (A4 portrait).
const (
	pdfMargin     = 20.0
	pdfUserWidth  = 100.0
	pdfPassWidth  = 70.0
	pdfHeadHeight = 8.0
	pdfLineHeight = 6.0
	pdfCellMargin = 2.0
)

// CredentialsPDF renders creds as an A4 table "Username | Password" under
// title (DefaultPDFTitle when empty), repeating the table header on every
// page. Usernames and passwords are set in Courier so that 0/O and l/1/I
// differ, and wrap inside their cell when too long for it.
//
// The PDF's core fonts know only Windows-1252: characters outside it (Greek,
// Cyrillic, CJK, ...) are printed as "?", which is not a username
// character, so such a row stands out as unreadable instead of silently
// showing a wrong name.
func CredentialsPDF(title string, creds []Credential) ([]byte, error) {
	if title == "" {
		title = DefaultPDFTitle
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(pdfEpoch)
	f.SetModificationDate(pdfEpoch)
	f.SetCatalogSort(true)
	f.SetTitle(title, true)
	f.SetCreator("goradius", false)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	// Rows are never split: breaks are placed by hand, before a row that
	// would not fit.
	f.SetAutoPageBreak(false, pdfMargin)
	f.AliasNbPages("{nb}")
	f.SetCellMargin(pdfCellMargin)
	cp := cp1252(f)

	f.SetFooterFunc(func() {
		f.SetY(-pdfMargin + 6)
		f.SetFont("Helvetica", "I", 8)
		f.SetTextColor(96, 96, 96)
		f.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})

	_, pageHeight := f.GetPageSize()
	bottom := pageHeight - pdfMargin

	tableHeader := func() {
		f.SetFont("Helvetica", "B", 11)
		f.SetFillColor(220, 220, 220)
		f.SetX(pdfMargin)
		f.CellFormat(pdfUserWidth, pdfHeadHeight, "Username", "1", 0, "L", true, 0, "")
		f.CellFormat(pdfPassWidth, pdfHeadHeight, "Password", "1", 1, "L", true, 0, "")
	}

	f.AddPage()
	f.SetFont("Helvetica", "B", 16)
	f.MultiCell(0, 8, cp(title), "", "C", false)
	f.Ln(6)
	tableHeader()

	f.SetFont("Courier", "", 11)
	for i, c := range creds {
		user := wrap(f, cp(c.Username), pdfUserWidth)
		pass := wrap(f, cp(c.Password), pdfPassWidth)
		h := float64(max(len(user), len(pass), 1)) * pdfLineHeight
		if f.GetY()+h > bottom {
			f.AddPage()
			tableHeader()
			f.SetFont("Courier", "", 11)
		}
		y := f.GetY()
		style := "D"
		if i%2 == 1 {
			style = "FD"
			f.SetFillColor(243, 243, 243)
		}
		f.Rect(pdfMargin, y, pdfUserWidth, h, style)
		f.Rect(pdfMargin+pdfUserWidth, y, pdfPassWidth, h, style)
		for j, l := range user {
			f.SetXY(pdfMargin, y+float64(j)*pdfLineHeight)
			f.CellFormat(pdfUserWidth, pdfLineHeight, l, "", 0, "L", false, 0, "")
		}
		for j, l := range pass {
			f.SetXY(pdfMargin+pdfUserWidth, y+float64(j)*pdfLineHeight)
			f.CellFormat(pdfPassWidth, pdfLineHeight, l, "", 0, "L", false, 0, "")
		}
		f.SetXY(pdfMargin, y+h)
	}

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render credentials pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// cp1252 returns a function that converts UTF-8 text to the single-byte
// encoding of fpdf's core fonts; what it cannot represent (and control
// characters) becomes "?". fpdf's own translator writes "." for those, which
// could pass for part of a username.
func cp1252(f *fpdf.Fpdf) func(string) string {
	tr := f.UnicodeTranslatorFromDescriptor("cp1252")
	return func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r < 0x20 || r == 0x7F:
				b.WriteByte('?')
			case r < 0x80:
				b.WriteByte(byte(r))
			default:
				if t := tr(string(r)); len(t) == 1 && t != "." {
					b.WriteString(t)
				} else {
					b.WriteByte('?')
				}
			}
		}
		return b.String()
	}
}

// wrap splits s (already in the font's encoding) into lines that fit a cell
// of width w with the current font, breaking anywhere: usernames and
// passwords have no spaces to break at.
func wrap(f *fpdf.Fpdf, s string, w float64) []string {
	avail := w - 2*f.GetCellMargin()
	var lines []string
	start := 0
	width := 0.0
	for i := 0; i < len(s); i++ {
		cw := f.GetStringWidth(s[i : i+1])
		if width+cw > avail && i > start {
			lines = append(lines, s[start:i])
			start, width = i, 0
		}
		width += cw
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}
