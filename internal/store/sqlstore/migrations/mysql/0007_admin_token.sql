-- Bearer tokens of the admin API (/api/v1/admin/...), one row per login.
-- Only the SHA-256 digest of a token is kept (hex), so reading the
-- database does not give admin access; the token itself is shown once, at
-- login. A token dies with its user.
CREATE TABLE goradius_admin_token (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id INT NOT NULL,
	digest CHAR(64) NOT NULL,
	label VARCHAR(200) NOT NULL DEFAULT '',
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	last_used DATETIME(6) NULL,
	expires DATETIME(6) NOT NULL,
	CONSTRAINT goradius_admin_token_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX goradius_admin_token_digest_key ON goradius_admin_token (digest);
CREATE INDEX goradius_admin_token_expires ON goradius_admin_token (expires);
