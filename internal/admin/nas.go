package admin

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// Column widths of the nas table.
const (
	maxNASName        = 128
	maxNASShortName   = 32
	maxNASType        = 30
	maxNASSecret      = 60
	maxNASServer      = 64
	maxNASCommunity   = 50
	maxNASDescription = 200
)

// NAS is a RADIUS client of the nas table (FreeRADIUS reads it with
// read_clients = yes).
type NAS struct {
	ID int64 `json:"id"`
	// Name (nasname) is the client's address, network or host name.
	Name        string    `json:"name"`
	ShortName   string    `json:"short_name"`
	Type        string    `json:"type"`
	Ports       *int64    `json:"ports"`
	Secret      string    `json:"secret"`
	Server      string    `json:"server"`
	Community   string    `json:"community"`
	Description string    `json:"description"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
}

func nasView(n store.NASRecord) NAS {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return NAS{ID: n.ID, Name: n.Name, ShortName: deref(n.ShortName), Type: n.Type, Ports: n.Ports, Secret: n.Secret,
		Server: deref(n.Server), Community: deref(n.Community), Description: deref(n.Description),
		Created: n.Created.UTC(), Modified: n.Modified.UTC()}
}

// NASInput is a NAS to create, or the changes to one (nil fields kept).
// "" clears the optional text fields.
type NASInput struct {
	Name      *string // required to create, unique
	ShortName *string
	Type      *string // default "other"
	// Ports is the number of ports; ClearPorts removes it.
	Ports       *int64
	ClearPorts  bool
	Secret      *string // required to create
	Server      *string
	Community   *string
	Description *string // default "RADIUS Client"
}

func (in *NASInput) validate(creating bool) *InputError {
	e := &InputError{}
	if in.Name != nil {
		name(e, "name", *in.Name, maxNASName)
	} else if creating {
		e.Add("name", "is required: the client's IP address, network (10.0.0.0/8) or host name")
	}
	if in.Secret != nil {
		if *in.Secret == "" {
			e.Add("secret", "may not be empty")
		}
		text(e, "secret", *in.Secret, maxNASSecret)
	} else if creating {
		e.Add("secret", "is required: the shared secret of the client")
	}
	if in.Type != nil {
		name(e, "type", *in.Type, maxNASType)
	}
	for _, f := range []struct {
		field string
		v     *string
		max   int
	}{{"short_name", in.ShortName, maxNASShortName}, {"server", in.Server, maxNASServer},
		{"community", in.Community, maxNASCommunity}, {"description", in.Description, maxNASDescription}} {
		if f.v != nil {
			text(e, f.field, *f.v, f.max)
		}
	}
	if in.Ports != nil && (*in.Ports < 0 || *in.Ports > 1<<31-1) {
		e.Add("ports", "must be between 0 and 2147483647, got "+strconv.FormatInt(*in.Ports, 10))
	}
	if in.Ports != nil && in.ClearPorts {
		e.Add("ports", "give a number or clear it, not both")
	}
	return e
}

// apply writes the given fields into n.
func (in *NASInput) apply(n *store.NASRecord) {
	setString(&n.Name, in.Name)
	setString(&n.Type, in.Type)
	setString(&n.Secret, in.Secret)
	opt := func(dst **string, v *string) {
		switch {
		case v == nil:
		case *v == "":
			*dst = nil
		default:
			s := *v
			*dst = &s
		}
	}
	opt(&n.ShortName, in.ShortName)
	opt(&n.Server, in.Server)
	opt(&n.Community, in.Community)
	opt(&n.Description, in.Description)
	if in.Ports != nil {
		p := *in.Ports
		n.Ports = &p
	}
	if in.ClearPorts {
		n.Ports = nil
	}
}

// ListNAS returns a page of NAS entries ordered by name and the number of
// matches.
func (s *Service) ListNAS(ctx context.Context, f store.NASFilter, offset, limit int) ([]NAS, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountNAS(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.Store.ListNAS(ctx, f, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]NAS, len(list))
	for i, n := range list {
		out[i] = nasView(n)
	}
	return out, total, nil
}

// NAS returns one NAS entry by id.
func (s *Service) NAS(ctx context.Context, id int64) (NAS, error) {
	n, err := s.Store.NASByID(ctx, id)
	if err != nil {
		return NAS{}, err
	}
	return nasView(n), nil
}

// NASByName returns the NAS entry of that exact name.
func (s *Service) NASByName(ctx context.Context, name string) (NAS, error) {
	list, err := s.Store.ListNAS(ctx, store.NASFilter{Search: name}, 0, 0)
	if err != nil {
		return NAS{}, err
	}
	for _, n := range list {
		if n.Name == name {
			return nasView(n), nil
		}
	}
	return NAS{}, notFound("NAS %q", name)
}

// CreateNAS adds a NAS entry.
func (s *Service) CreateNAS(ctx context.Context, in NASInput) (NAS, error) {
	if err := in.validate(true).err(); err != nil {
		return NAS{}, err
	}
	desc := "RADIUS Client"
	n := store.NASRecord{NAS: store.NAS{Type: "other", Description: &desc}}
	in.apply(&n)
	if err := s.Store.CreateNAS(ctx, &n); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return NAS{}, inputErr("name", "a NAS named %q already exists", n.Name)
		}
		return NAS{}, err
	}
	return nasView(n), nil
}

// UpdateNAS changes the given fields of a NAS entry.
func (s *Service) UpdateNAS(ctx context.Context, id int64, in NASInput) (NAS, error) {
	if err := in.validate(false).err(); err != nil {
		return NAS{}, err
	}
	n, err := s.Store.NASByID(ctx, id)
	if err != nil {
		return NAS{}, err
	}
	in.apply(&n)
	if err := s.Store.UpdateNAS(ctx, &n); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return NAS{}, inputErr("name", "a NAS named %q already exists", n.Name)
		}
		return NAS{}, err
	}
	return nasView(n), nil
}

// DeleteNAS removes a NAS entry.
func (s *Service) DeleteNAS(ctx context.Context, id int64) error {
	return s.Store.DeleteNAS(ctx, id)
}
