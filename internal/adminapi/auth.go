package adminapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/aaa"
	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/password"
	"github.com/goradius/goradius/internal/store"
)

// Messages of the authentication answers.
const (
	msgBadCredentials = "Unable to log in with provided credentials."
	msgNoCredentials  = "Authentication credentials were not provided."
	msgInvalidToken   = "Invalid token."
	msgExpiredToken   = "Token has expired."
	msgInactive       = "User inactive or deleted."
	msgNotStaff       = "You do not have permission to perform this action."
)

// touchEvery bounds the writes of last_used: at most one per token per
// interval.
const touchEvery = time.Minute

// maxLabel is the width of goradius_admin_token.label.
const maxLabel = 200

// tokenBytes of randomness in a token (256 bits).
const tokenBytes = 32

// newSecret returns a new random token: 43 URL-safe characters.
func newSecret() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// digest is what the store keeps of a token.
func digest(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

type authKey struct{}

// caller is the authenticated admin of a request.
type caller struct {
	user  store.User
	token store.AdminToken
}

func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(authKey{}).(*caller)
	return c
}

// bearer returns the token of an "Authorization: Bearer <token>" header;
// ok is false when there is no such header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(strings.TrimSpace(h), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func unauthorized(w http.ResponseWriter, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="goradius admin"`)
	httpx.Detail(w, http.StatusUnauthorized, detail)
}

// authenticate lets through requests with a live admin token of an
// active staff user, before the method is looked at.
func (h *Handler) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r)
		if !ok {
			unauthorized(w, msgNoCredentials)
			return
		}
		t, u, err := h.Store.AdminTokenByDigest(r.Context(), digest(tok))
		switch {
		case errors.Is(err, store.ErrNotFound):
			unauthorized(w, msgInvalidToken)
			return
		case err != nil:
			httpx.ServerError(w, r, err)
			return
		}
		now := h.now()
		switch {
		case !now.Before(t.Expires):
			unauthorized(w, msgExpiredToken)
			return
		case !u.IsActive || (u.ExpiresAt != nil && !now.Before(*u.ExpiresAt)):
			unauthorized(w, msgInactive)
			return
		case !u.IsStaff:
			httpx.Detail(w, http.StatusForbidden, msgNotStaff)
			return
		}
		if t.LastUsed == nil || now.Sub(*t.LastUsed) >= touchEvery {
			if err := h.Store.TouchAdminToken(r.Context(), t.ID, now); err != nil {
				httpx.ServerError(w, r, err)
				return
			}
			t.LastUsed = &now
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authKey{}, &caller{user: u, token: t})))
	})
}

type loginAnswer struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
	TokenID int64     `json:"token_id"`
}

// login answers a new admin token for the username and password of an
// active staff user. Failures are throttled per username and client
// address (429 with Retry-After).
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	username, pw, ok := httpx.DecodeCredentials(w, r, maxBody)
	if !ok {
		return
	}
	e := &httpx.FieldErrors{}
	now := h.now()
	if wait := h.Throttle.Begin(username, r.RemoteAddr, now); wait > 0 {
		secs := int64(math.Ceil(wait.Seconds()))
		h.log().WarnContext(r.Context(), "admin login throttled", "username", logName(username), "remote", r.RemoteAddr, "retry_after", secs)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		httpx.Detail(w, http.StatusTooManyRequests,
			"Too many failed logins. Try again in "+strconv.FormatInt(secs, 10)+" seconds.")
		return
	}
	u, err := h.Store.UserByUsername(r.Context(), username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// The same work as for a real user, so timing does not tell
		// which usernames exist.
		password.Check(pw, h.dummyHash())
		h.loginFailed(r, username)
		e.Add("non_field_errors", msgBadCredentials)
		httpx.WriteFieldErrors(w, e)
		return
	case err != nil:
		httpx.ServerError(w, r, err)
		return
	}
	ok = password.Check(pw, u.Password)
	if !ok || !u.IsActive || !u.IsStaff || (u.ExpiresAt != nil && !now.Before(*u.ExpiresAt)) {
		h.loginFailed(r, username)
		e.Add("non_field_errors", msgBadCredentials)
		httpx.WriteFieldErrors(w, e)
		return
	}
	h.Throttle.Succeeded(username, r.RemoteAddr)

	// Expired tokens go at each login: the table holds live ones only.
	if _, err := h.Store.DeleteExpiredAdminTokens(r.Context(), now); err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	secret := newSecret()
	t := store.AdminToken{
		UserID: u.ID, Digest: digest(secret), Label: label(r),
		Created: now, Expires: now.Add(h.lifetime()),
	}
	if err := h.Store.CreateAdminToken(r.Context(), &t); err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, loginAnswer{Token: secret, Expires: t.Expires.UTC(), TokenID: t.ID})
}

// loginFailed logs a failed admin login, for the operator and for tools
// such as fail2ban (never the password).
func (h *Handler) loginFailed(r *http.Request, username string) {
	h.log().WarnContext(r.Context(), "admin login failed", "username", logName(username), "remote", r.RemoteAddr)
}

// logName is a username as sent, fit for a log line.
func logName(s string) string {
	return aaa.Truncate(httpx.CleanText(s), 150)
}

// label is the token's label: the client's User-Agent, made storable and
// cut to the column's width.
func label(r *http.Request) string {
	return aaa.Truncate(httpx.CleanText(r.UserAgent()), maxLabel)
}

// logout revokes the token of the request.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	if err := h.Store.DeleteAdminToken(r.Context(), c.token.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		httpx.ServerError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type adminTokenView struct {
	ID       int64      `json:"id"`
	Username string     `json:"username"`
	Label    string     `json:"label"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	Expires  time.Time  `json:"expires"`
	Current  bool       `json:"current"`
}

func tokenView(t store.AdminToken, current int64) adminTokenView {
	v := adminTokenView{
		ID: t.ID, Username: t.Username, Label: t.Label, Created: t.Created.UTC(),
		Expires: t.Expires.UTC(), Current: t.ID == current,
	}
	if t.LastUsed != nil {
		lu := t.LastUsed.UTC()
		v.LastUsed = &lu
	}
	return v
}

type meView struct {
	ID          int64          `json:"id"`
	Username    string         `json:"username"`
	Email       string         `json:"email"`
	FirstName   string         `json:"first_name"`
	LastName    string         `json:"last_name"`
	IsStaff     bool           `json:"is_staff"`
	IsSuperuser bool           `json:"is_superuser"`
	Token       adminTokenView `json:"token"`
}

// me answers who the token belongs to, and the token.
func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	u := c.user
	httpx.JSON(w, http.StatusOK, meView{
		ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		IsStaff: u.IsStaff, IsSuperuser: u.IsSuperuser, Token: tokenView(c.token, c.token.ID),
	})
}

// listAdminTokens lists the caller's tokens; a superuser sees everyone's
// (or one user's with ?username=).
func (h *Handler) listAdminTokens(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	owner := c.user.ID
	if c.user.IsSuperuser {
		owner = 0
		if name := r.URL.Query().Get("username"); name != "" {
			u, err := h.Store.UserByUsername(r.Context(), name)
			if errors.Is(err, store.ErrNotFound) {
				listPage(w, r, func(int, int) ([]adminTokenView, int, error) { return nil, 0, nil })
				return
			}
			if err != nil {
				httpx.ServerError(w, r, err)
				return
			}
			owner = u.ID
		}
	}
	listPage(w, r, func(offset, limit int) ([]adminTokenView, int, error) {
		total, err := h.Store.CountAdminTokens(r.Context(), owner)
		if err != nil {
			return nil, 0, err
		}
		ts, err := h.Store.ListAdminTokens(r.Context(), owner, offset, limit)
		if err != nil {
			return nil, 0, err
		}
		out := make([]adminTokenView, len(ts))
		for i, t := range ts {
			out[i] = tokenView(t, c.token.ID)
		}
		return out, total, nil
	})
}

// visibleToken returns the token of the path's id when the caller may see
// it (their own, or any for a superuser); ok is false when an answer was
// written.
func (h *Handler) visibleToken(w http.ResponseWriter, r *http.Request) (store.AdminToken, bool) {
	c := callerOf(r.Context())
	id, ok := pathID(w, r, "id", "admin token")
	if !ok {
		return store.AdminToken{}, false
	}
	t, err := h.Store.AdminTokenByID(r.Context(), id)
	if err == nil && t.UserID != c.user.ID && !c.user.IsSuperuser {
		// Another user's token is not even shown to exist.
		err = store.ErrNotFound
	}
	if err != nil {
		writeError(w, r, err, "admin token")
		return store.AdminToken{}, false
	}
	return t, true
}

func (h *Handler) getAdminToken(w http.ResponseWriter, r *http.Request) {
	if t, ok := h.visibleToken(w, r); ok {
		httpx.JSON(w, http.StatusOK, tokenView(t, callerOf(r.Context()).token.ID))
	}
}

// revokeAdminToken deletes one token: a staff user's own, any for a
// superuser.
func (h *Handler) revokeAdminToken(w http.ResponseWriter, r *http.Request) {
	t, ok := h.visibleToken(w, r)
	if !ok {
		return
	}
	if err := h.Store.DeleteAdminToken(r.Context(), t.ID); err != nil {
		writeError(w, r, err, "admin token")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
