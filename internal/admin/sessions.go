package admin

import (
	"context"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// AdminResetCause is the terminate cause of a session an administrator
// closed (RFC 2866's Admin-Reset).
const AdminResetCause = "Admin-Reset"

// Session is one accounting session (radacct row), with the field names of
// django-freeradius's accounting list.
type Session struct {
	ID                  int64      `json:"id"`
	SessionID           string     `json:"session_id"`
	UniqueID            string     `json:"unique_id"`
	Username            *string    `json:"username"`
	Groupname           *string    `json:"groupname"`
	Realm               *string    `json:"realm"`
	NASIPAddress        string     `json:"nas_ip_address"`
	NASPortID           *string    `json:"nas_port_id"`
	NASPortType         *string    `json:"nas_port_type"`
	StartTime           *time.Time `json:"start_time"`
	UpdateTime          *time.Time `json:"update_time"`
	StopTime            *time.Time `json:"stop_time"`
	Interval            *int64     `json:"interval"`
	SessionTime         *int64     `json:"session_time"`
	Authentication      *string    `json:"authentication"`
	ConnectionInfoStart *string    `json:"connection_info_start"`
	ConnectionInfoStop  *string    `json:"connection_info_stop"`
	InputOctets         *int64     `json:"input_octets"`
	OutputOctets        *int64     `json:"output_octets"`
	CalledStationID     *string    `json:"called_station_id"`
	CallingStationID    *string    `json:"calling_station_id"`
	TerminateCause      *string    `json:"terminate_cause"`
	ServiceType         *string    `json:"service_type"`
	FramedProtocol      *string    `json:"framed_protocol"`
	FramedIPAddress     *string    `json:"framed_ip_address"`
	FramedIPv6Address   *string    `json:"framed_ipv6_address"`
	FramedIPv6Prefix    *string    `json:"framed_ipv6_prefix"`
	FramedInterfaceID   *string    `json:"framed_interface_id"`
	DelegatedIPv6Prefix *string    `json:"delegated_ipv6_prefix"`
}

func sessionView(a store.AcctSession) Session {
	return Session{
		ID: a.ID, SessionID: a.SessionID, UniqueID: a.UniqueID, Username: a.Username, Groupname: a.Groupname,
		Realm: a.Realm, NASIPAddress: a.NASIPAddress, NASPortID: a.NASPortID, NASPortType: a.NASPortType,
		StartTime: utc(a.StartTime), UpdateTime: utc(a.UpdateTime), StopTime: utc(a.StopTime),
		Interval: a.Interval, SessionTime: a.SessionTime, Authentication: a.Authentication,
		ConnectionInfoStart: a.ConnectInfoStart, ConnectionInfoStop: a.ConnectInfoStop,
		InputOctets: a.InputOctets, OutputOctets: a.OutputOctets,
		CalledStationID: a.CalledStationID, CallingStationID: a.CallingStationID,
		TerminateCause: a.TerminateCause, ServiceType: a.ServiceType, FramedProtocol: a.FramedProtocol,
		FramedIPAddress: a.FramedIPAddress, FramedIPv6Address: a.FramedIPv6Address,
		FramedIPv6Prefix: a.FramedIPv6Prefix, FramedInterfaceID: a.FramedInterfaceID,
		DelegatedIPv6Prefix: a.DelegatedIPv6Prefix,
	}
}

// ListSessions returns a page of sessions, newest start first, and the
// number of matches.
func (s *Service) ListSessions(ctx context.Context, f store.AcctFilter, offset, limit int) ([]Session, int, error) {
	if err := checkPage(offset); err != nil {
		return nil, 0, err
	}
	total, err := s.Store.CountAccounting(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = total
	}
	list := []store.AcctSession{}
	if limit > 0 {
		if list, err = s.Store.ListAccounting(ctx, f, offset, limit); err != nil {
			return nil, 0, err
		}
	}
	out := make([]Session, len(list))
	for i, a := range list {
		out[i] = sessionView(a)
	}
	return out, total, nil
}

// Session returns one session by its radacctid.
func (s *Service) Session(ctx context.Context, id int64) (Session, error) {
	a, err := s.Store.AcctSessionByID(ctx, id)
	if err != nil {
		return Session{}, err
	}
	return sessionView(a), nil
}

// SessionByUniqueID returns one session by its acctuniqueid.
func (s *Service) SessionByUniqueID(ctx context.Context, uniqueID string) (Session, error) {
	a, err := s.Store.AcctSessionByUniqueID(ctx, uniqueID)
	if err != nil {
		return Session{}, err
	}
	return sessionView(a), nil
}

// CloseSession stops an open session now: stop and update time now,
// session time up to now (never less than the NAS reported), terminate
// cause Admin-Reset. It does not disconnect the user at the NAS. A closed
// session is an input error; an unknown one is store.ErrNotFound.
func (s *Service) CloseSession(ctx context.Context, id int64) (Session, error) {
	closed, err := s.Store.CloseAcctSession(ctx, id, s.now(), AdminResetCause)
	if err != nil {
		return Session{}, err
	}
	if !closed {
		if _, err := s.Store.AcctSessionByID(ctx, id); err != nil {
			return Session{}, err
		}
		return Session{}, inputErr("stop_time", "session %d is closed already", id)
	}
	return s.Session(ctx, id)
}
