-- Bearer tokens of the admin API (/api/v1/admin/...), one row per login.
-- Only the SHA-256 digest of a token is kept (hex), so reading the
-- database does not give admin access; the token itself is shown once, at
-- login. A token dies with its user.
CREATE TABLE goradius_admin_token (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	digest CHAR(64) NOT NULL,
	label VARCHAR(200) NOT NULL DEFAULT '',
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	last_used TEXT NULL,
	expires TEXT NOT NULL
);
CREATE UNIQUE INDEX goradius_admin_token_digest_key ON goradius_admin_token (digest);
CREATE INDEX goradius_admin_token_user_id ON goradius_admin_token (user_id);
CREATE INDEX goradius_admin_token_expires ON goradius_admin_token (expires);
