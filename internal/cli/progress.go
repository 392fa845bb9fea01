package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws "label  done/total [=====>    ] 42%" on one line of a
// terminal, redrawn in place at most every tenth of a second and at the
// end. Callers use it only when w is a terminal (see isTerminal).
type progressBar struct {
	w     io.Writer
	label string
	last  time.Time
	now   func() time.Time
}

const progressWidth = 30

func newProgressBar(w io.Writer, label string) *progressBar {
	return &progressBar{w: w, label: label, now: time.Now}
}

// update draws the bar for done of total; it ends the line at done == total.
func (p *progressBar) update(done, total int) {
	if total <= 0 {
		return
	}
	t := p.now()
	if done < total && t.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = t
	filled := progressWidth * done / total
	bar := strings.Repeat("=", filled)
	if filled < progressWidth {
		bar += ">" + strings.Repeat(" ", progressWidth-filled-1)
	}
	fmt.Fprintf(p.w, "\r%s %*d/%d [%s] %3d%%", p.label, len(fmt.Sprint(total)), done, total, bar, 100*done/total)
	if done == total {
		fmt.Fprintln(p.w)
	}
}
