package sqlstore

import (
	"fmt"
	"time"
)

// SQLite keeps times as UTC text with exactly six fraction digits, so text
// order is time order and FreeRADIUS's SQLite queries (strftime, datetime)
// read them.
const (
	textTime        = "2006-01-02 15:04:05.000000"
	textTimeSeconds = "2006-01-02 15:04:05"
	textDate        = "2006-01-02"
)

// textTimeLayouts are the spellings read back from SQLite: ours, the same
// without or with fewer fraction digits (FreeRADIUS, SQLite's own
// CURRENT_TIMESTAMP, Django), with a T or an offset, and plain dates.
var textTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	textDate,
}

func formatTextTime(t time.Time) string {
	return t.UTC().Format(textTime)
}

func parseTextTime(s string) (time.Time, error) {
	for _, layout := range textTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

// nullTime scans a nullable timestamp from any of the drivers: time.Time
// (PostgreSQL, MySQL with parseTime) or text (SQLite), always into UTC.
type nullTime struct {
	Time  time.Time
	Valid bool
}

func (n *nullTime) Scan(src any) error {
	n.Time, n.Valid = time.Time{}, false
	switch v := src.(type) {
	case nil:
		return nil
	case time.Time:
		n.Time = v.UTC()
	case string:
		t, err := parseTextTime(v)
		if err != nil {
			return err
		}
		n.Time = t
	case []byte:
		t, err := parseTextTime(string(v))
		if err != nil {
			return err
		}
		n.Time = t
	case int64:
		// Unix seconds, as some tools write into SQLite.
		n.Time = time.Unix(v, 0).UTC()
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	n.Valid = true
	return nil
}

// ptr returns the time or nil.
func (n nullTime) ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

// notNullTime scans a NOT NULL timestamp.
type notNullTime struct{ t *time.Time }

func (n notNullTime) Scan(src any) error {
	var nt nullTime
	if err := nt.Scan(src); err != nil {
		return err
	}
	if !nt.Valid {
		return fmt.Errorf("unexpected NULL time")
	}
	*n.t = nt.Time
	return nil
}

// dateText is the stored form of a calendar date (radbatch.expiration_date),
// taken in UTC; every dialect accepts it as a DATE literal.
func dateText(t time.Time) string {
	return t.UTC().Format(textDate)
}
