// Package aaa makes goradius's authorize, post-auth and accounting
// decisions. It knows nothing of HTTP: adapters (the rlm_rest endpoints,
// later a RADIUS listener) turn requests into these types and back.
package aaa

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goradius/goradius/internal/credcache"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// writeTimeout bounds a database write that a client can no longer cancel.
const writeTimeout = 30 * time.Second

// Service holds what the decisions need. The zero value is not usable: set
// Store; Now and Log default to time.Now and slog.Default.
type Service struct {
	Store store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// DisposableRadiusToken deletes a radius user token after one login.
	DisposableRadiusToken bool
	// AccountingAutoGroup fills groupname of new sessions from the user's
	// radius group of lowest priority.
	AccountingAutoGroup bool
	// Counters say when counters reset and how traffic is replied.
	Counters CounterSettings
	// Credentials, when not nil, remembers passwords recently verified
	// against a user's Django hash (opt-in; see internal/credcache).
	Credentials *credcache.Cache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Reason says why authorize decided as it did.
type Reason string

// Authorize outcomes.
const (
	ReasonPassword         Reason = "password"
	ReasonRadiusToken      Reason = "radius-token"
	ReasonCheckPassword    Reason = "check-password"
	ReasonAuthTypeAccept   Reason = "auth-type-accept"
	ReasonMissingFields    Reason = "missing-fields"
	ReasonUnknownUser      Reason = "unknown-user"
	ReasonInactive         Reason = "inactive"
	ReasonExpired          Reason = "expired"
	ReasonBadPassword      Reason = "bad-password"
	ReasonCheckFailed      Reason = "check-failed"
	ReasonAuthTypeReject   Reason = "auth-type-reject"
	ReasonExpiration       Reason = "expiration"
	ReasonSimultaneousUse  Reason = "simultaneous-use"
	ReasonQuota            Reason = "quota"
	ReasonTokenAlreadyUsed Reason = "token-already-used"
	ReasonCredential       Reason = "credential"
)

// AuthorizeRequest is what authorize gets from FreeRADIUS: the user name,
// the password (empty for CHAP, MS-CHAP and EAP) and every other request
// attribute it sent, for check items.
type AuthorizeRequest struct {
	Username   string
	Password   string
	Attributes Attributes
	// MaySendCredentials allows answering a known-good password when the
	// request has none (CHAP, MS-CHAP, EAP): the adapter sets it for
	// connections the operator trusts.
	MaySendCredentials bool
}

// Decision is the result of Authorize.
type Decision struct {
	Accept bool
	// Reject is a refusal by policy (quota, Simultaneous-Use, Expiration,
	// Auth-Type Reject): the user is known and must be told, with Message
	// when there is one, rather than left to other modules.
	Reject  bool
	Reason  Reason
	Message string
	// Reply holds the attributes for FreeRADIUS's reply list of an accept.
	Reply []ReplyItem
	// Control holds a known-good password for FreeRADIUS's control list
	// (Reason ReasonCredential): not an accept, FreeRADIUS's chap, mschap
	// or eap module authenticates with it.
	Control []ReplyItem
	// Limits are the counters evaluated for an accept or a quota reject.
	Limits []Limit
}

// Reply-Messages of policy refusals.
const (
	MsgSimultaneousUse = "You are already logged in - access denied"
	MsgExpired         = "Password Has Expired"
)

// Authorize decides a login with the FreeRADIUS data model. The user (from
// the users table) must be active and not expired, and the password must
// match its Django hash, a password item of radcheck, or its radius user
// token; a username with only radcheck rows logs in with those. The token
// is tried last, so that a valid password never consumes it, except for a
// password shaped like a token (40 letters and digits): that is compared
// with the token first, an indexed lookup, so a token login costs no
// password hash (PBKDF2 with 260,000 iterations takes tens of
// milliseconds). Only a user whose password is their own current token
// sees the difference: the token is used up. The check
// and reply items of the user and its groups then apply with rlm_sql's
// rules, then Expiration, Simultaneous-Use and the counters.
func (s *Service) Authorize(ctx context.Context, req AuthorizeRequest) (Decision, error) {
	if req.Username == "" {
		return Decision{Reason: ReasonMissingFields}, nil
	}
	if !store.Storable(req.Username) {
		// No stored name holds a NUL or invalid UTF-8, and the database
		// would refuse the query.
		return Decision{Reason: ReasonUnknownUser}, nil
	}
	now := s.now()
	// The account and the policy in one round trip: for most requests
	// (unknown users, bad passwords of active ones) both are needed anyway.
	// A password shaped like a token is compared with the user's radius
	// token in the same round trip.
	var candidate string
	if looksLikeToken(req.Password) {
		candidate = req.Password
	}
	sub, err := s.Store.Subject(ctx, req.Username, candidate, now)
	if err != nil {
		return Decision{}, fmt.Errorf("authorize %q: %w", req.Username, err)
	}
	u, hasUser, pol := sub.User, sub.HasUser, sub.Policy
	if hasUser && !u.IsActive {
		return Decision{Reason: ReasonInactive}, nil
	}
	if hasUser && u.ExpiresAt != nil && !now.Before(*u.ExpiresAt) {
		return Decision{Reason: ReasonExpired}, nil
	}
	if !hasUser && !pol.Found() {
		return Decision{Reason: ReasonUnknownUser}, nil
	}
	attrs := req.Attributes
	if attrs == nil {
		attrs = Attributes{}
	}
	if len(attrs["User-Name"]) == 0 {
		attrs.Add("User-Name", req.Username)
	}
	if len(attrs["User-Password"]) == 0 {
		attrs.Add("User-Password", req.Password)
	}
	ev := evaluate(&pol, attrs)
	if ev.userCheckFailed {
		// FreeRADIUS still reads the groups, and its Access-Reject carries
		// their Reply-Message.
		if msg, ok := lastValue(ev.reply, "Reply-Message"); ok {
			return Decision{Reject: true, Reason: ReasonCheckFailed, Message: msg}, nil
		}
		return Decision{Reason: ReasonCheckFailed}, nil
	}

	// Authentication.
	reason := Reason("")
	switch authType, _ := lastValue(ev.control, "Auth-Type"); strings.ToLower(authType) {
	case "reject":
		return Decision{Reject: true, Reason: ReasonAuthTypeReject}, nil
	case "accept":
		reason = ReasonAuthTypeAccept
	}
	var credential *ReplyItem
	if reason == "" {
		if req.Password == "" {
			// CHAP, MS-CHAP or EAP: FreeRADIUS checks the password itself
			// if it gets a known-good one.
			cred, ok := knownGood(ev.control, hasUser, &u)
			if !ok || !req.MaySendCredentials {
				return Decision{Reason: ReasonMissingFields}, nil
			}
			credential, reason = &cred, ReasonCredential
		}
	}
	tokenFirst := reason == "" && hasUser && candidate != ""
	if tokenFirst && sub.RadiusToken {
		reason = ReasonRadiusToken
	}
	if reason == "" {
		switch {
		case hasUser && s.checkPassword(req.Username, req.Password, u.Password):
			reason = ReasonPassword
		case checkPasswordItems(ev.control, req.Password):
			reason = ReasonCheckPassword
		case hasUser && !tokenFirst && store.Storable(req.Password): // tokens are letters and digits
			ok, err := s.Store.CheckRadiusToken(ctx, u.ID, req.Password)
			if err != nil {
				return Decision{}, fmt.Errorf("authorize %q: radius token: %w", req.Username, err)
			}
			if ok {
				reason = ReasonRadiusToken
			}
		}
	}
	if reason == "" {
		return Decision{Reason: ReasonBadPassword}, nil
	}

	// Policy after authentication.
	if v, ok := lastValue(ev.control, "Expiration"); ok {
		exp, ok := parseExpiration(v, s.Counters.loc())
		if !ok {
			s.log().Warn("ignoring an Expiration item that is not a date", "username", req.Username, "value", v)
		} else if !now.Before(exp) {
			return Decision{Reject: true, Reason: ReasonExpiration, Message: MsgExpired}, nil
		} else {
			ev.reply = setMin(ev.reply, "Session-Timeout", int64(exp.Sub(now)/time.Second))
		}
	}
	if v, ok := lastValue(ev.control, "Simultaneous-Use"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
			station := attrs.First("Calling-Station-Id")
			if !store.Storable(station) {
				station = "" // matches no stored session: nothing to leave out
			}
			open, err := s.Store.OpenSessions(ctx, req.Username, station)
			if err != nil {
				return Decision{}, fmt.Errorf("authorize %q: open sessions: %w", req.Username, err)
			}
			if open >= n {
				return Decision{Reject: true, Reason: ReasonSimultaneousUse, Message: MsgSimultaneousUse}, nil
			}
		}
	}
	limits, err := s.limits(ctx, req.Username, ev.control, now)
	if err != nil {
		return Decision{}, fmt.Errorf("authorize %q: %w", req.Username, err)
	}
	var traffic int64 = -1
	for _, l := range limits {
		if l.Remaining <= 0 {
			return Decision{Reject: true, Reason: ReasonQuota, Message: l.Counter.Message(), Limits: limits}, nil
		}
		if l.Counter.Traffic {
			if traffic < 0 || l.Remaining < traffic {
				traffic = l.Remaining
			}
			continue
		}
		timeout := l.Remaining
		// As sqlcounter: when the time left reaches past the reset, add the
		// next period's allowance so the user need not log in again.
		if !l.Reset.IsZero() {
			if toReset := int64(l.Reset.Sub(now) / time.Second); timeout >= toReset {
				timeout = toReset + l.Value
			}
		}
		ev.reply = setMin(ev.reply, "Session-Timeout", timeout)
	}
	if traffic >= 0 {
		ev.reply = s.trafficReply(ev.reply, traffic)
	}

	if reason == ReasonRadiusToken && s.DisposableRadiusToken {
		ok, err := s.Store.ConsumeRadiusToken(detach(ctx), u.ID, req.Password)
		if err != nil {
			return Decision{}, fmt.Errorf("authorize %q: radius token: %w", req.Username, err)
		}
		if !ok {
			return Decision{Reason: ReasonTokenAlreadyUsed}, nil // another login used it meanwhile
		}
	}
	if credential != nil {
		return Decision{Reason: reason, Control: []ReplyItem{*credential}, Reply: replyItems(ev.reply), Limits: limits}, nil
	}
	return Decision{Accept: true, Reason: reason, Reply: replyItems(ev.reply), Limits: limits}, nil
}

// checkPassword checks pw against the user's encoded Django hash, through
// the credential cache when there is one.
func (s *Service) checkPassword(username, pw, encoded string) bool {
	if s.Credentials.Verified(username, encoded, pw) {
		return true
	}
	if !password.Check(pw, encoded) {
		return false
	}
	s.Credentials.Remember(username, encoded, pw)
	return true
}

// looksLikeToken reports whether pw has the shape of a radius user token:
// 40 ASCII letters and digits.
func looksLikeToken(pw string) bool {
	if len(pw) != 40 {
		return false
	}
	for i := 0; i < len(pw); i++ {
		c := pw[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// knownGood returns the credential FreeRADIUS needs to check CHAP, MS-CHAP
// and EAP itself: radcheck's Cleartext-Password (good for all of them),
// else an NT-Password item or the account's NT hash (MS-CHAP only).
func knownGood(control []pair, hasUser bool, u *store.User) (ReplyItem, bool) {
	if v, ok := lastValue(control, "Cleartext-Password"); ok {
		return ReplyItem{Name: "Cleartext-Password", Op: ":=", Value: v}, true
	}
	if v, ok := lastValue(control, "NT-Password"); ok {
		if h, ok := ntHex(v); ok {
			return ReplyItem{Name: "NT-Password", Op: ":=", Value: h}, true
		}
	}
	if hasUser && u.NTHash != "" {
		if h, ok := ntHex(u.NTHash); ok {
			return ReplyItem{Name: "NT-Password", Op: ":=", Value: h}, true
		}
	}
	return ReplyItem{}, false
}

// ntHex writes an NT hash as FreeRADIUS reads octets: "0x" and 32 hex digits.
func ntHex(v string) (string, bool) {
	v = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(v), "0x"), "0X")
	if len(v) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(v); err != nil {
		return "", false
	}
	return "0x" + strings.ToLower(v), true
}

// checkPasswordItems verifies the password against the known-good password
// items of the control list (radcheck's Cleartext-Password, NT-Password ...).
func checkPasswordItems(control []pair, pw string) bool {
	for _, p := range control {
		if passwordAttributes[strings.ToLower(p.Name)] && password.CheckFreeRADIUS(p.Name, p.Value, pw) {
			return true
		}
	}
	return false
}

// trafficReply sets the remaining octets, split into octets and gigawords
// (4 GiB units) as 32-bit RADIUS attributes need, unless the reply already
// holds a smaller limit.
func (s *Service) trafficReply(reply []pair, remaining int64) []pair {
	octets, giga := s.Counters.OctetsReply, s.Counters.GigawordsReply
	if octets == "" {
		octets = "ChilliSpot-Max-Total-Octets"
	}
	if giga == "" {
		giga = "ChilliSpot-Max-Total-Gigawords"
	}
	cur := int64(-1)
	if v, ok := lastValue(reply, octets); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			cur = n
			if g, ok := lastValue(reply, giga); ok {
				if gn, err := strconv.ParseInt(strings.TrimSpace(g), 10, 64); err == nil {
					cur += gn << 32
				}
			}
		}
	}
	if cur >= 0 && cur <= remaining {
		return reply
	}
	reply = removeAttr(reply, octets, nil)
	reply = removeAttr(reply, giga, nil)
	reply = append(reply, pair{octets, ":=", strconv.FormatInt(remaining&0xffffffff, 10)})
	if remaining>>32 > 0 {
		reply = append(reply, pair{giga, ":=", strconv.FormatInt(remaining>>32, 10)})
	}
	return reply
}

// PostAuthRequest is one post-auth log entry from FreeRADIUS.
type PostAuthRequest struct {
	Username         string
	Password         string
	Reply            string
	CalledStationID  *string
	CallingStationID *string
}

// Column sizes of radpostauth: longer values are truncated, never refused.
const (
	postAuthUsernameLen = 64
	postAuthPassLen     = 64
	postAuthReplyLen    = 32
	stationIDLen        = 50
)

// PostAuth logs an authentication result. The password is kept only for
// failed attempts.
func (s *Service) PostAuth(ctx context.Context, req PostAuthRequest) error {
	p := store.PostAuth{
		Username:         Truncate(req.Username, postAuthUsernameLen),
		Password:         Truncate(req.Password, postAuthPassLen),
		Reply:            Truncate(req.Reply, postAuthReplyLen),
		CalledStationID:  truncatePtr(req.CalledStationID, stationIDLen),
		CallingStationID: truncatePtr(req.CallingStationID, stationIDLen),
		AuthDate:         s.now(),
	}
	if req.Reply == "Access-Accept" {
		p.Password = ""
	}
	ctx, cancel := context.WithTimeout(detach(ctx), writeTimeout)
	defer cancel()
	if err := s.Store.CreatePostAuth(ctx, &p); err != nil {
		return fmt.Errorf("post-auth of %q: %w", p.Username, err)
	}
	return nil
}

// Truncate cuts s to at most n characters (not bytes), as database columns
// count them.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i]
}

func truncatePtr(s *string, n int) *string {
	if s == nil {
		return nil
	}
	t := Truncate(*s, n)
	return &t
}

// detach keeps a write going when the client disconnects: a half-done write
// is never better than a finished one, and the write itself is atomic.
func detach(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
