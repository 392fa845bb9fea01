package aaa

import (
	"context"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// StatusType is an Acct-Status-Type.
type StatusType string

// The status types the API accepts.
const (
	StatusStart         StatusType = "Start"
	StatusInterimUpdate StatusType = "Interim-Update"
	StatusStop          StatusType = "Stop"
	StatusAccountingOn  StatusType = "Accounting-On"
	StatusAccountingOff StatusType = "Accounting-Off"
)

// StatusTypes lists the valid status types.
var StatusTypes = []StatusType{StatusStart, StatusInterimUpdate, StatusStop, StatusAccountingOn, StatusAccountingOff}

// AcctRequest is one accounting packet, already validated by the adapter.
//
// Values holds each field's parsed value: nil (NULL), string, int64 or
// time.Time. Sent marks the fields the packet carried with a value to store;
// a counter or time sent as "" (FreeRADIUS's "attribute absent") is not
// Sent, so stored values are kept. A text field sent as "" is Sent with "",
// an address sent as "" is Sent with nil.
type AcctRequest struct {
	Status StatusType
	Values [store.NumAcctFields]any
	Sent   [store.NumAcctFields]bool
	// EventTime is when the NAS says the event happened (Event-Timestamp),
	// or zero; Delay is Acct-Delay-Time. Either moves the event time off
	// the server's clock.
	EventTime time.Time
	Delay     time.Duration
	// InputGigawords and OutputGigawords count 4 GiB wraps of the octet
	// counters (Acct-Input-Gigawords, Acct-Output-Gigawords).
	InputGigawords, OutputGigawords int64
}

// NASRebootCause is the terminate cause of sessions closed by
// Accounting-On/Off, as FreeRADIUS's own queries write.
const NASRebootCause = "NAS-Reboot"

// eventTime is when the packet's event happened: Event-Timestamp, else the
// server's clock; less Acct-Delay-Time in both cases, as FreeRADIUS does.
func (s *Service) eventTime(req *AcctRequest) time.Time {
	t := req.EventTime
	if t.IsZero() {
		t = s.now()
	}
	return t.Add(-req.Delay)
}

// Accounting stores one accounting packet: an upsert keyed on unique_id,
// atomic in the database. It reports whether a new session row was created.
// Accounting-On and Accounting-Off store nothing.
func (s *Service) Accounting(ctx context.Context, req *AcctRequest) (created bool, err error) {
	now := s.eventTime(req)
	switch req.Status {
	case StatusAccountingOn, StatusAccountingOff:
		return false, s.nasRestarted(ctx, req, now)
	}
	w := store.AcctWrite{}
	for i := range req.Values {
		if req.Sent[i] {
			w.Values[i] = req.Values[i]
			w.Update[i] = true
		}
	}
	uid, _ := req.Values[store.AcctUniqueID].(string)
	w.UniqueID = uid
	w.Values[store.AcctUniqueID] = uid
	w.Update[store.AcctUniqueID] = false

	// Octet counters wrap at 4 GiB; the gigawords count the wraps.
	for _, g := range [...]struct {
		field store.AcctField
		wraps int64
	}{{store.AcctInputOctets, req.InputGigawords}, {store.AcctOutputOctets, req.OutputGigawords}} {
		if n, ok := w.Values[g.field].(int64); ok && g.wraps > 0 {
			w.Values[g.field] = n + g.wraps<<32
		}
	}
	// Defaults of a new row: counters start at 0, the session at now.
	for _, f := range []store.AcctField{store.AcctSessionTime, store.AcctInputOctets, store.AcctOutputOctets} {
		if !req.Sent[f] {
			w.Values[f] = int64(0)
		}
	}
	if !req.Sent[store.AcctStartTime] {
		w.Values[store.AcctStartTime] = now
	}
	// The server's clock decides update and stop times, as django-freeradius.
	switch req.Status {
	case StatusStart:
		w.LikelyNew = true
	case StatusInterimUpdate:
		w.Values[store.AcctUpdateTime], w.Update[store.AcctUpdateTime] = now, true
		// A late Interim-Update never re-opens or rewinds a stopped session.
		w.OnlyIfOpen = true
	case StatusStop:
		w.Values[store.AcctUpdateTime], w.Update[store.AcctUpdateTime] = now, true
		w.Values[store.AcctStopTime], w.Update[store.AcctStopTime] = now, true
	}
	if g, _ := req.Values[store.AcctGroupname].(string); s.AccountingAutoGroup && g == "" {
		w.AutoGroup = true
	}

	ctx, cancel := context.WithTimeout(detach(ctx), writeTimeout)
	defer cancel()
	created, err = s.Store.WriteAccounting(ctx, &w)
	if err != nil {
		return false, fmt.Errorf("accounting %s for session %q: %w", req.Status, uid, err)
	}
	return created, nil
}

// nasRestarted closes every open session of the NAS that sent
// Accounting-On or Accounting-Off: its sessions ended when it went down.
func (s *Service) nasRestarted(ctx context.Context, req *AcctRequest, at time.Time) error {
	ip, _ := req.Values[store.AcctNASIPAddress].(string)
	if ip == "" {
		return nil // nothing identifies the NAS: nothing to close
	}
	ctx, cancel := context.WithTimeout(detach(ctx), writeTimeout)
	defer cancel()
	n, err := s.Store.CloseNASSessions(ctx, ip, at, NASRebootCause)
	if err != nil {
		return fmt.Errorf("%s from NAS %s: closing its sessions: %w", req.Status, ip, err)
	}
	if n > 0 {
		s.log().Info("NAS restarted: closed its open sessions", "nas_ip_address", ip, "status_type", string(req.Status), "sessions", n)
	}
	return nil
}
