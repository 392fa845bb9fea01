package api

import (
	"errors"
	"net/http"

	"github.com/goradius/goradius/internal/httpx"
	"github.com/goradius/goradius/internal/users"
)

const maxTokenBody = 64 << 10

type tokenPair struct {
	Key             string `json:"key"`
	RadiusUserToken string `json:"radius_user_token"`
}

// obtainToken logs a user in with username and password and answers the
// user's REST token and radius user token (created when missing).
func (h *Handler) obtainToken(w http.ResponseWriter, r *http.Request) {
	username, pw, ok := httpx.DecodeCredentials(w, r, maxTokenBody)
	if !ok {
		return
	}
	e := &httpx.FieldErrors{}
	t, err := h.Users.Login(r.Context(), username, pw)
	if errors.Is(err, users.ErrBadCredentials) {
		e.Add("non_field_errors", "Unable to log in with provided credentials.")
		httpx.WriteFieldErrors(w, e)
		return
	}
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, tokenPair{Key: t.AuthKey, RadiusUserToken: t.RadiusKey})
}

type validation struct {
	ResponseCode    string `json:"response_code"`
	AuthToken       string `json:"auth_token,omitempty"`
	RadiusUserToken string `json:"radius_user_token,omitempty"`
}

// validateToken checks a REST token and answers the radius user token,
// re-creating it when it was used.
func (h *Handler) validateToken(w http.ResponseWriter, r *http.Request) {
	b, derr := httpx.DecodeBody(w, r, maxTokenBody, true)
	if derr != nil {
		derr.Write(w)
		return
	}
	key := ""
	if v := b.Get("token"); v.Kind == httpx.String {
		key = v.S
	}
	t, err := h.Users.ValidateToken(r.Context(), key)
	if errors.Is(err, users.ErrInvalidToken) {
		httpx.JSON(w, http.StatusUnauthorized, validation{ResponseCode: "BLANK_OR_INVALID_TOKEN"})
		return
	}
	if err != nil {
		httpx.ServerError(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, validation{
		ResponseCode: "AUTH_TOKEN_VALIDATION_SUCCESSFUL", AuthToken: t.AuthKey, RadiusUserToken: t.RadiusKey,
	})
}
