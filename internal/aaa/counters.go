package aaa

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// Period is how often a counter starts again from zero.
type Period uint8

// Counter periods.
const (
	Daily Period = iota
	Weekly
	Monthly
	Never
)

func (p Period) String() string {
	return [...]string{"daily", "weekly", "monthly", "all-time"}[p]
}

// Counter is a limit set by a check item and measured from radacct.
type Counter struct {
	Check   string // the check item, e.g. Max-Daily-Session
	Traffic bool   // octets (input+output) instead of seconds
	Period  Period
}

// Counters are the limits goradius enforces, as FreeRADIUS's sqlcounter
// modules (dailycounter, monthlycounter, noresetcounter) and
// openwisp-radius's traffic counters do.
var Counters = []Counter{
	{"Max-Daily-Session", false, Daily},
	{"Max-Weekly-Session", false, Weekly},
	{"Max-Monthly-Session", false, Monthly},
	{"Max-All-Session", false, Never},
	{"Max-Daily-Session-Traffic", true, Daily},
	{"Max-Weekly-Session-Traffic", true, Weekly},
	{"Max-Monthly-Session-Traffic", true, Monthly},
	{"Max-All-Session-Traffic", true, Never},
}

// Message is the Reply-Message sent when the counter's limit is reached.
func (c Counter) Message() string {
	what := "time"
	if c.Traffic {
		what = "traffic"
	}
	if c.Period == Never {
		return fmt.Sprintf("Your total usage %s limit has been reached", what)
	}
	return fmt.Sprintf("Your %s usage %s limit has been reached", c.Period, what)
}

// CounterSettings say when counters reset and how traffic is replied.
type CounterSettings struct {
	// Location is the operator's time zone: days start at its midnight.
	Location *time.Location
	// DayStart shifts the start of a day from midnight (e.g. 6h).
	DayStart time.Duration
	// WeekStart is the first day of a week.
	WeekStart time.Weekday
	// OctetsReply and GigawordsReply name the reply attributes of the
	// remaining traffic (ChilliSpot-Max-Total-Octets/-Gigawords by default;
	// pfSense and CoovaChilli have their own names).
	OctetsReply    string
	GigawordsReply string
}

func (s CounterSettings) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// PeriodStart returns when the current period of p began at now (the zero
// time for Never) and when the next begins (zero for Never).
func (s CounterSettings) PeriodStart(p Period, now time.Time) (start, next time.Time) {
	if p == Never {
		return time.Time{}, time.Time{}
	}
	t := now.In(s.loc()).Add(-s.DayStart)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc())
	switch p {
	case Daily:
		start, next = day, day.AddDate(0, 0, 1)
	case Weekly:
		back := (int(day.Weekday()) - int(s.WeekStart) + 7) % 7
		start = day.AddDate(0, 0, -back)
		next = start.AddDate(0, 0, 7)
	case Monthly:
		start = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, s.loc())
		next = start.AddDate(0, 1, 0)
	}
	// time.Date normalises days that a DST change skips; re-add the shift.
	return start.Add(s.DayStart), next.Add(s.DayStart)
}

// Limit is one counter's state for a user.
type Limit struct {
	Counter   Counter
	Value     int64     // the limit
	Used      int64     // seconds or octets used in the period
	Remaining int64     // never below 0
	Reset     time.Time // when the period ends (zero: never)
}

// limits evaluates every counter the control list sets, with one database
// query per distinct period start.
func (s *Service) limits(ctx context.Context, username string, control []pair, now time.Time) ([]Limit, error) {
	var out []Limit
	usage := map[time.Time]store.Usage{}
	for _, c := range Counters {
		v, ok := lastValue(control, c.Check)
		if !ok {
			continue
		}
		limit, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || limit < 0 {
			s.log().Warn("ignoring a counter check item that is not a whole number", "username", username, "attribute", c.Check, "value", v)
			continue
		}
		start, next := s.Counters.PeriodStart(c.Period, now)
		u, ok := usage[start]
		if !ok {
			if u, err = s.Store.UsageSince(ctx, username, start); err != nil {
				return nil, fmt.Errorf("usage of %q since %v: %w", username, start, err)
			}
			usage[start] = u
		}
		used := u.Seconds
		if c.Traffic {
			used = u.Octets
		}
		out = append(out, Limit{Counter: c, Value: limit, Used: used, Remaining: max(limit-used, 0), Reset: next})
	}
	return out, nil
}
