package users

import "context"

// NTHashFor returns the NT hash to keep with the new cleartext password pw
// of username, or "" when neither the server-wide setting nor one of the
// user's groups opted in. groups are the groups the user will be in; nil
// means its groups in the database.
func (s *Service) NTHashFor(ctx context.Context, username string, groups []string, pw string) (string, error) {
	return s.ntHash(ctx, username, groups, pw)
}
