package httpx

import "net/http"

// DecodeCredentials reads the username and password of a login body (JSON,
// form or multipart), both required; the password is kept verbatim. When
// ok is false the 4xx answer has been written.
func DecodeCredentials(w http.ResponseWriter, r *http.Request, maxBody int64) (username, password string, ok bool) {
	b, derr := DecodeBody(w, r, maxBody, true)
	if derr != nil {
		derr.Write(w)
		return "", "", false
	}
	e := &FieldErrors{}
	username, st := Text(e, "username", b.Get("username"), 0, false)
	Require(e, "username", st, false)
	password, st = Text(e, "password", b.Get("password"), 0, true)
	Require(e, "password", st, false)
	if !e.Empty() {
		WriteFieldErrors(w, e)
		return "", "", false
	}
	return username, password, true
}
