package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// Column widths of the item tables.
const (
	maxAttribute = 64
	maxValue     = 253
	maxNotes     = 10000
)

// checkOps are the operators FreeRADIUS's sql module understands in check
// items; replyOps those that make sense in a reply.
var (
	checkOps = []string{"=", ":=", "==", "+=", "!=", ">", ">=", "<", "<=", "=~", "!~", "=*", "!*"}
	replyOps = []string{"=", ":=", "+="}
)

// Item is one check or reply item of a user or a group.
type Item struct {
	ID int64 `json:"id"`
	// Username is set for user items (radcheck, radreply), Groupname for
	// group items (radgroupcheck, radgroupreply).
	Username  string `json:"username,omitempty"`
	Groupname string `json:"groupname,omitempty"`
	Attribute string `json:"attribute"`
	Op        string `json:"op"`
	Value     string `json:"value"`
	// IsActive, ValidUntil and Notes exist for user check items only.
	IsActive   *bool      `json:"is_active,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	Notes      string     `json:"notes,omitempty"`
	Created    time.Time  `json:"created"`
	Modified   time.Time  `json:"modified"`
}

func itemView(t store.ItemTable, r store.ItemRecord) Item {
	it := Item{
		ID: r.ID, Attribute: r.Attribute, Op: r.Op, Value: r.Value,
		Created: r.Created.UTC(), Modified: r.Modified.UTC(),
	}
	if isGroupTable(t) {
		it.Groupname = r.Name
	} else {
		it.Username = r.Name
	}
	if t == store.RadCheck {
		active := r.IsActive
		it.IsActive, it.ValidUntil, it.Notes = &active, utc(r.ValidUntil), r.Notes
	}
	return it
}

func isGroupTable(t store.ItemTable) bool {
	return t == store.RadGroupCheck || t == store.RadGroupReply
}

func isCheckTable(t store.ItemTable) bool {
	return t == store.RadCheck || t == store.RadGroupCheck
}

// checkTable refuses an unknown table name (a programming mistake or a
// bad path segment of the REST layer).
func checkTable(t store.ItemTable) error {
	switch t {
	case store.RadCheck, store.RadReply, store.RadGroupCheck, store.RadGroupReply:
		return nil
	}
	return inputErr("table", "%q is not one of radcheck, radreply, radgroupcheck, radgroupreply", string(t))
}

// ItemInput is an item to create, or the changes to one (nil fields kept).
type ItemInput struct {
	// Name is the username (user tables) or the groupname (group tables).
	Name      *string
	Attribute *string
	// Op defaults to ":=" for check items and "=" for reply items.
	Op    *string
	Value *string
	// IsActive, ValidUntil (ClearValidUntil removes it) and Notes are
	// for user check items (radcheck) only.
	IsActive        *bool
	ValidUntil      *time.Time
	ClearValidUntil bool
	Notes           *string
}

// validate checks the given fields of an item of table t.
func (in *ItemInput) validate(t store.ItemTable, creating bool) *InputError {
	e := &InputError{}
	nameField := "username"
	if isGroupTable(t) {
		nameField = "groupname"
	}
	if in.Name != nil {
		name(e, nameField, *in.Name, maxRadiusName)
	} else if creating {
		e.Add(nameField, "is required")
	}
	if in.Attribute != nil {
		attribute(e, *in.Attribute)
	} else if creating {
		e.Add("attribute", "is required")
	}
	if in.Op != nil {
		ops := replyOps
		if isCheckTable(t) {
			ops = checkOps
		}
		if !slices.Contains(ops, *in.Op) {
			e.Add("op", fmt.Sprintf("%q is not an operator of %s items (use one of %s)", *in.Op, t, strings.Join(ops, " ")))
		}
	}
	if in.Value != nil {
		text(e, "value", *in.Value, maxValue)
	} else if creating {
		e.Add("value", "is required")
	}
	if t != store.RadCheck {
		if in.IsActive != nil || in.ValidUntil != nil || in.ClearValidUntil || in.Notes != nil {
			e.Add("non_field_errors", "is_active, valid_until and notes exist for user check items (radcheck) only")
		}
	}
	if in.ValidUntil != nil && in.ClearValidUntil {
		e.Add("valid_until", "give a date or clear it, not both")
	}
	if in.Notes != nil {
		text(e, "notes", *in.Notes, maxNotes)
	}
	return e
}

// attribute checks a RADIUS attribute name: letters, digits and - . _ :
// (FreeRADIUS's dictionaries name them so), at most 64 characters.
func attribute(e *InputError, a string) {
	name(e, "attribute", a, maxAttribute)
	if a == "" {
		return
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' || r == ':') {
			e.Add("attribute", fmt.Sprintf("%q is not an attribute name: letters, digits and - . _ : only", a))
			return
		}
	}
}

// ListItems returns a page of one item table's rows (ordered by name,
// then id) and the number of matches.
func (s *Service) ListItems(ctx context.Context, t store.ItemTable, f store.ItemFilter, offset, limit int) ([]Item, int, error) {
	if err := checkTable(t); err != nil {
		return nil, 0, err
	}
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountItems(ctx, t, f)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.Store.ListItems(ctx, t, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Item, len(rows))
	for i, r := range rows {
		out[i] = itemView(t, r)
	}
	return out, total, nil
}

// Item returns one item by id.
func (s *Service) Item(ctx context.Context, t store.ItemTable, id int64) (Item, error) {
	if err := checkTable(t); err != nil {
		return Item{}, err
	}
	r, err := s.Store.ItemByID(ctx, t, id)
	if err != nil {
		return Item{}, err
	}
	return itemView(t, r), nil
}

// CreateItem adds an item to a user or a group. A group item needs the
// group; a user item may name a username without an account (FreeRADIUS
// reads radcheck by username alone), and is linked to the account when
// there is one.
func (s *Service) CreateItem(ctx context.Context, t store.ItemTable, in ItemInput) (Item, error) {
	if err := checkTable(t); err != nil {
		return Item{}, err
	}
	if err := in.validate(t, true).err(); err != nil {
		return Item{}, err
	}
	r := itemRecord(t, in)
	if err := s.Store.CreateItem(ctx, t, &r); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Item{}, inputErr("groupname", "no radius group named %q", r.Name)
		}
		return Item{}, err
	}
	return itemView(t, r), nil
}

// itemRecord is the row of a new item.
func itemRecord(t store.ItemTable, in ItemInput) store.ItemRecord {
	r := store.ItemRecord{Name: *in.Name, Attribute: *in.Attribute, Value: *in.Value, IsActive: true}
	switch {
	case in.Op != nil:
		r.Op = *in.Op
	case isCheckTable(t):
		r.Op = ":="
	default:
		r.Op = "="
	}
	setBool(&r.IsActive, in.IsActive)
	r.ValidUntil = utc(in.ValidUntil)
	setString(&r.Notes, in.Notes)
	return r
}

// UpdateItem changes the given fields of an item.
func (s *Service) UpdateItem(ctx context.Context, t store.ItemTable, id int64, in ItemInput) (Item, error) {
	if err := checkTable(t); err != nil {
		return Item{}, err
	}
	if err := in.validate(t, false).err(); err != nil {
		return Item{}, err
	}
	r, err := s.Store.ItemByID(ctx, t, id)
	if err != nil {
		return Item{}, err
	}
	setString(&r.Name, in.Name)
	setString(&r.Attribute, in.Attribute)
	setString(&r.Op, in.Op)
	setString(&r.Value, in.Value)
	setBool(&r.IsActive, in.IsActive)
	setString(&r.Notes, in.Notes)
	if in.ValidUntil != nil {
		r.ValidUntil = utc(in.ValidUntil)
	}
	if in.ClearValidUntil {
		r.ValidUntil = nil
	}
	if err := s.Store.UpdateItem(ctx, t, &r); err != nil {
		if errors.Is(err, store.ErrNotFound) && in.Name != nil && isGroupTable(t) {
			return Item{}, inputErr("groupname", "no radius group named %q", r.Name)
		}
		return Item{}, err
	}
	return itemView(t, r), nil
}

// DeleteItem removes an item.
func (s *Service) DeleteItem(ctx context.Context, t store.ItemTable, id int64) error {
	if err := checkTable(t); err != nil {
		return err
	}
	return s.Store.DeleteItem(ctx, t, id)
}
