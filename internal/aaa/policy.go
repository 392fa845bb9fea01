package aaa

import (
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// evaluation is the outcome of running a user's items through FreeRADIUS's
// rlm_sql rules.
type evaluation struct {
	control []pair
	reply   []pair
	// userCheckFailed: the user's own comparison items did not hold.
	userCheckFailed bool
}

// evaluate applies rlm_sql's authorize rules (FreeRADIUS 3.2): the user's
// check items must hold against the request for its control and reply
// items to apply; then, unless the user's reply says Fall-Through = No, the
// groups are walked in priority order: a group whose check items do not
// hold is skipped, the first group that applies adds its items, and the
// walk goes on only while the group just applied says Fall-Through = Yes.
func evaluate(p *store.Policy, req Attributes) evaluation {
	var ev evaluation
	if matchChecks(p.Check, req) {
		ev.control = moveItems(ev.control, p.Check)
		ev.reply = moveItems(ev.reply, p.Reply)
	} else {
		ev.userCheckFailed = true
	}
	if fallThrough(ev.reply) == fallNo {
		return ev
	}
	for i := range p.Groups {
		g := &p.Groups[i]
		if !matchChecks(g.Check, req) {
			continue
		}
		ev.control = moveItems(ev.control, g.Check)
		ev.reply = moveItems(ev.reply, g.Reply)
		if fallThroughOf(g.Reply) != fallYes {
			break
		}
	}
	return ev
}

const (
	fallNo = iota
	fallYes
	fallDefault
)

func fallThrough(list []pair) int {
	v, ok := lastValue(list, "Fall-Through")
	if !ok {
		return fallDefault
	}
	return fallValue(v)
}

func fallThroughOf(items []store.Item) int {
	res := fallDefault
	for _, it := range items {
		if strings.EqualFold(it.Attribute, "Fall-Through") {
			res = fallValue(it.Value)
		}
	}
	return res
}

func fallValue(v string) int {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "no", "0":
		return fallNo
	}
	return fallYes
}

// expirationLayouts are the forms FreeRADIUS's Expiration item accepts, and
// ISO 8601 for good measure.
var expirationLayouts = []string{
	"Jan _2 2006 15:04:05", "Jan _2 2006 15:04", "Jan _2 2006",
	"January _2 2006 15:04:05", "January _2 2006", "_2 Jan 2006 15:04:05", "_2 Jan 2006",
	"2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02",
}

// parseExpiration reads an Expiration value in loc (or a Unix time).
func parseExpiration(v string, loc *time.Location) (time.Time, bool) {
	v = strings.Join(strings.Fields(v), " ")
	for _, l := range expirationLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// ReplyItem is one attribute value for FreeRADIUS's reply list. Op is
// FreeRADIUS's operator (":=", "=", "+=").
type ReplyItem struct {
	Name  string
	Op    string
	Value string
}

// replyItems turns the reply list into the answer, without the internal
// Fall-Through.
func replyItems(list []pair) []ReplyItem {
	out := make([]ReplyItem, 0, len(list))
	for _, p := range list {
		if strings.EqualFold(p.Name, "Fall-Through") {
			continue
		}
		out = append(out, ReplyItem{Name: p.Name, Op: p.Op, Value: p.Value})
	}
	return out
}

// setMin sets the attribute to v unless it already holds a smaller number.
func setMin(list []pair, name string, v int64) []pair {
	if cur, ok := lastValue(list, name); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(cur), 10, 64); err == nil && n <= v {
			return list
		}
	}
	list = removeAttr(list, name, nil)
	return append(list, pair{name, ":=", strconv.FormatInt(v, 10)})
}
