package mail

import "strings"

// Defaults for the credentials mail of the batch import, as in
// django-freeradius (BATCH_MAIL_SUBJECT, BATCH_MAIL_MESSAGE).
const (
	DefaultCredentialsSubject = "Credentials"
	DefaultCredentialsBody    = "username: {username}, password: {password}"
)

// FormatCredentials renders the body template of a credentials mail.
//
// Placeholders:
//
//	{username}, {password}  the named values
//	{}                      positional, as in django-freeradius'
//	                        BATCH_MAIL_MESSAGE ("username: {}, password: {}"):
//	                        the first {} is the username, the second the
//	                        password; further {} are left as they are
//	{0}, {1}                username and password by index (Python's
//	                        str.format numbering, which DF settings may use)
//	{{ and }}               a literal { and } (Python's str.format escapes)
//
// Anything else, including unknown names and an unmatched '{', is copied
// unchanged. Substitution is a single pass: a username or password that
// itself contains "{password}" is inserted verbatim, never expanded.
func FormatCredentials(tmpl, username, password string) string {
	var b strings.Builder
	b.Grow(len(tmpl) + len(username) + len(password))
	positional := 0
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		switch {
		case (c == '{' || c == '}') && i+1 < len(tmpl) && tmpl[i+1] == c:
			b.WriteByte(c)
			i += 2
			continue
		case c == '{':
			if end := strings.IndexByte(tmpl[i+1:], '}'); end >= 0 {
				name := tmpl[i+1 : i+1+end]
				value, ok := "", true
				switch name {
				case "username", "0":
					value = username
				case "password", "1":
					value = password
				case "":
					switch positional {
					case 0:
						value = username
					case 1:
						value = password
					default:
						ok = false
					}
					positional++
				default:
					ok = false
				}
				if ok {
					b.WriteString(value)
					i += end + 2
					continue
				}
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}
