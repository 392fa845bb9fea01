-- Bearer tokens of the admin API (/api/v1/admin/...), one row per login.
-- Only the SHA-256 digest of a token is kept (hex), so reading the
-- database does not give admin access; the token itself is shown once, at
-- login. A token dies with its user.
CREATE TABLE goradius_admin_token (
	id serial PRIMARY KEY,
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	digest CHAR(64) COLLATE "C" NOT NULL,
	label VARCHAR(200) NOT NULL DEFAULT '',
	created timestamp with time zone NOT NULL DEFAULT now(),
	last_used timestamp with time zone NULL,
	expires timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX goradius_admin_token_digest_key ON goradius_admin_token (digest);
CREATE INDEX goradius_admin_token_user_id ON goradius_admin_token (user_id);
CREATE INDEX goradius_admin_token_expires ON goradius_admin_token (expires);
