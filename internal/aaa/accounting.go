package aaa

import (
	"context"
	"fmt"

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
}

// Accounting stores one accounting packet: an upsert keyed on unique_id,
// atomic in the database. It reports whether a new session row was created.
// Accounting-On and Accounting-Off store nothing.
func (s *Service) Accounting(ctx context.Context, req *AcctRequest) (created bool, err error) {
	switch req.Status {
	case StatusAccountingOn, StatusAccountingOff:
		return false, nil
	}
	now := s.now()
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
	case StatusInterimUpdate:
		w.Values[store.AcctUpdateTime], w.Update[store.AcctUpdateTime] = now, true
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
