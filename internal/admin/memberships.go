package admin

import (
	"context"
	"errors"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// maxPriority bounds a membership's priority (any int fits the column;
// this keeps typos such as 1e9 out).
const maxPriority = 1_000_000

// Membership puts a username in a radius group with a priority: FreeRADIUS
// walks a user's groups from the lowest priority up.
type Membership struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Groupname string    `json:"groupname"`
	Priority  int       `json:"priority"`
	Created   time.Time `json:"created"`
	Modified  time.Time `json:"modified"`
}

func membershipView(m store.Membership) Membership {
	return Membership{ID: m.ID, Username: m.Username, Groupname: m.Groupname, Priority: m.Priority,
		Created: m.Created.UTC(), Modified: m.Modified.UTC()}
}

// MembershipInput is a membership to create, or the changes to one.
type MembershipInput struct {
	// Username needs no account (FreeRADIUS reads radusergroup by name);
	// it is linked to the account when there is one. It cannot change.
	Username  *string
	Groupname *string
	// Priority defaults to one more than the user's highest (1 for a
	// first group), so a new group comes last.
	Priority *int
}

func (in *MembershipInput) validate(creating bool) *InputError {
	e := &InputError{}
	if in.Username != nil {
		if creating {
			name(e, "username", *in.Username, maxRadiusName)
		} else {
			e.Add("username", "cannot change: delete the membership and create another")
		}
	} else if creating {
		e.Add("username", "is required")
	}
	if in.Groupname != nil {
		name(e, "groupname", *in.Groupname, maxRadiusName)
	} else if creating {
		e.Add("groupname", "is required")
	}
	if in.Priority != nil && (*in.Priority < 0 || *in.Priority > maxPriority) {
		e.Add("priority", "must be between 0 and 1000000")
	}
	return e
}

// ListMemberships returns a page of memberships ordered by username,
// priority and id, and the number of matches.
func (s *Service) ListMemberships(ctx context.Context, f store.MembershipFilter, offset, limit int) ([]Membership, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountMemberships(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListMemberships(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Membership, len(list))
	for i, m := range list {
		out[i] = membershipView(m)
	}
	return out, total, nil
}

// Membership returns one membership by id.
func (s *Service) Membership(ctx context.Context, id int64) (Membership, error) {
	m, err := s.Store.MembershipByID(ctx, id)
	if err != nil {
		return Membership{}, err
	}
	return membershipView(m), nil
}

// CreateMembership puts a username in a group.
func (s *Service) CreateMembership(ctx context.Context, in MembershipInput) (Membership, error) {
	if err := in.validate(true).err(); err != nil {
		return Membership{}, err
	}
	m := store.Membership{Username: *in.Username, Groupname: *in.Groupname}
	if in.Priority != nil {
		m.Priority = *in.Priority
	} else {
		cur, err := s.Store.ListMemberships(ctx, store.MembershipFilter{Username: m.Username}, 0, 0)
		if err != nil {
			return Membership{}, err
		}
		m.Priority = 1
		for _, c := range cur {
			m.Priority = max(m.Priority, c.Priority+1)
		}
	}
	err := s.Store.CreateMembership(ctx, &m)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Membership{}, inputErr("groupname", "no radius group named %q", m.Groupname)
	case errors.Is(err, store.ErrAlreadyExists):
		return Membership{}, inputErr("groupname", "%q is in radius group %q already", m.Username, m.Groupname)
	case err != nil:
		return Membership{}, err
	}
	return membershipView(m), nil
}

// UpdateMembership changes a membership's group or priority.
func (s *Service) UpdateMembership(ctx context.Context, id int64, in MembershipInput) (Membership, error) {
	if err := in.validate(false).err(); err != nil {
		return Membership{}, err
	}
	m, err := s.Store.MembershipByID(ctx, id)
	if err != nil {
		return Membership{}, err
	}
	setString(&m.Groupname, in.Groupname)
	if in.Priority != nil {
		m.Priority = *in.Priority
	}
	err = s.Store.UpdateMembership(ctx, &m)
	switch {
	case errors.Is(err, store.ErrNotFound) && in.Groupname != nil:
		return Membership{}, inputErr("groupname", "no radius group named %q (or the membership went meanwhile)", m.Groupname)
	case errors.Is(err, store.ErrAlreadyExists):
		return Membership{}, inputErr("groupname", "%q is in radius group %q already", m.Username, m.Groupname)
	case err != nil:
		return Membership{}, err
	}
	return membershipView(m), nil
}

// DeleteMembership takes a username out of a group.
func (s *Service) DeleteMembership(ctx context.Context, id int64) error {
	return s.Store.DeleteMembership(ctx, id)
}
