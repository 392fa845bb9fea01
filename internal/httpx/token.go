package httpx

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// TokenGuard checks the shared API token the way django-freeradius did, so
// FreeRADIUS configurations written for it keep working:
//
//   - the Authorization header (several headers are joined with ",") is split
//     on ","; in each part the token is the second space-separated word, the
//     scheme word is ignored ("Bearer X", "Token X");
//   - a part with no space is 400 {"detail": "Invalid token"}, even when the
//     querystring token is right;
//   - otherwise the ?token= querystring is tried (its last value, as Django);
//   - no match is 403 {"detail": "Token authentication failed"}.
//
// Comparisons run in constant time over SHA-256 digests, so neither the
// token nor its length leaks through timing.
type TokenGuard struct {
	sum [sha256.Size]byte
}

// NewTokenGuard returns a guard for token.
func NewTokenGuard(token string) *TokenGuard {
	return &TokenGuard{sum: sha256.Sum256([]byte(token))}
}

func (g *TokenGuard) matches(candidate string) bool {
	s := sha256.Sum256([]byte(candidate))
	return subtle.ConstantTimeCompare(s[:], g.sum[:]) == 1
}

// Check returns 0 when the request carries the token, else the status and
// detail to answer.
func (g *TokenGuard) Check(r *http.Request) (status int, detail string) {
	if hs := r.Header.Values("Authorization"); len(hs) > 0 {
		for _, part := range strings.Split(strings.Join(hs, ","), ",") {
			words := strings.Split(part, " ")
			if len(words) < 2 {
				return http.StatusBadRequest, "Invalid token"
			}
			if g.matches(words[1]) {
				return 0, ""
			}
		}
	}
	if vs, ok := r.URL.Query()["token"]; ok && len(vs) > 0 && g.matches(vs[len(vs)-1]) {
		return 0, ""
	}
	return http.StatusForbidden, "Token authentication failed"
}

// Wrap answers requests without the token before next sees them.
func (g *TokenGuard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status, detail := g.Check(r); status != 0 {
			Detail(w, status, detail)
			return
		}
		next.ServeHTTP(w, r)
	})
}
