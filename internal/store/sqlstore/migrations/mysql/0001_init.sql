-- goradius schema 1 (MySQL 8.0.13+ / MariaDB 10.2+).
--
-- FreeRADIUS 3.2 tables (radcheck, radreply, radgroupcheck, radgroupreply,
-- radusergroup, radacct, radpostauth, nas) with django-freeradius's extra
-- columns, and goradius's own tables. Times are DATETIME(6) holding UTC; the
-- defaults use UTC_TIMESTAMP so they are UTC whatever the session time zone
-- of the tool inserting the row. Every table uses utf8mb4_bin: names match
-- exactly and case-sensitively, as in the other dialects (but see PAD SPACE:
-- 'a' = 'a ' in this collation). Foreign keys are table constraints because
-- MySQL ignores inline REFERENCES. DDL commits implicitly in MySQL, so this
-- file is not atomic: goradius records the version after its last statement.

CREATE TABLE users (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	username VARCHAR(150) NOT NULL,
	password VARCHAR(128) NOT NULL,
	email VARCHAR(254) NOT NULL DEFAULT '',
	first_name VARCHAR(150) NOT NULL DEFAULT '',
	last_name VARCHAR(150) NOT NULL DEFAULT '',
	is_active BOOLEAN NOT NULL DEFAULT TRUE,
	is_staff BOOLEAN NOT NULL DEFAULT FALSE,
	is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
	last_login DATETIME(6) NULL,
	date_joined DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	expires_at DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX users_username_key ON users (username);

CREATE TABLE radiusgroup (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	description VARCHAR(64) NULL,
	is_default BOOLEAN NOT NULL DEFAULT FALSE,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX radiusgroup_name_key ON radiusgroup (name);
-- MySQL has no partial indexes: goradius refuses more than one default
-- group when it reads them.

CREATE TABLE radcheck (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT ':=',
	value VARCHAR(253) NOT NULL,
	user_id INT NULL,
	is_active BOOLEAN NOT NULL DEFAULT TRUE,
	valid_until DATETIME(6) NULL,
	notes TEXT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT radcheck_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radcheck_username ON radcheck (username);
CREATE INDEX radcheck_user_id ON radcheck (user_id);

CREATE TABLE radreply (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT '=',
	value VARCHAR(253) NOT NULL,
	user_id INT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT radreply_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radreply_username ON radreply (username);
CREATE INDEX radreply_user_id ON radreply (user_id);

CREATE TABLE radgroupcheck (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	groupname VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT ':=',
	value VARCHAR(253) NOT NULL,
	group_id INT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT radgroupcheck_group_id_fk FOREIGN KEY (group_id) REFERENCES radiusgroup (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radgroupcheck_groupname ON radgroupcheck (groupname);
CREATE INDEX radgroupcheck_group_id ON radgroupcheck (group_id);

CREATE TABLE radgroupreply (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	groupname VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT '=',
	value VARCHAR(253) NOT NULL,
	group_id INT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT radgroupreply_group_id_fk FOREIGN KEY (group_id) REFERENCES radiusgroup (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radgroupreply_groupname ON radgroupreply (groupname);
CREATE INDEX radgroupreply_group_id ON radgroupreply (group_id);

CREATE TABLE radusergroup (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	groupname VARCHAR(64) NOT NULL,
	priority INT NOT NULL DEFAULT 1,
	user_id INT NULL,
	group_id INT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT radusergroup_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
	CONSTRAINT radusergroup_group_id_fk FOREIGN KEY (group_id) REFERENCES radiusgroup (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radusergroup_username ON radusergroup (username);
CREATE INDEX radusergroup_user_id ON radusergroup (user_id);
CREATE INDEX radusergroup_group_id ON radusergroup (group_id);

-- IP columns are 45 characters: the longest text form of an IPv6 address
-- (IPv4-mapped, dotted). FreeRADIUS's own sql module may write '' into them.
CREATE TABLE radacct (
	radacctid INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	acctsessionid VARCHAR(64) NOT NULL,
	acctuniqueid VARCHAR(32) NOT NULL,
	username VARCHAR(64) NULL,
	groupname VARCHAR(64) NULL,
	realm VARCHAR(64) NULL,
	nasipaddress VARCHAR(45) NOT NULL,
	nasportid VARCHAR(15) NULL,
	nasporttype VARCHAR(32) NULL,
	acctstarttime DATETIME(6) NULL,
	acctupdatetime DATETIME(6) NULL,
	acctstoptime DATETIME(6) NULL,
	acctinterval INT NULL,
	acctsessiontime INT NULL CHECK (acctsessiontime >= 0),
	acctauthentic VARCHAR(32) NULL,
	connectinfo_start VARCHAR(50) NULL,
	connectinfo_stop VARCHAR(50) NULL,
	acctinputoctets BIGINT NULL,
	acctoutputoctets BIGINT NULL,
	calledstationid VARCHAR(50) NULL,
	callingstationid VARCHAR(50) NULL,
	acctterminatecause VARCHAR(32) NULL,
	servicetype VARCHAR(32) NULL,
	framedprotocol VARCHAR(32) NULL,
	framedipaddress VARCHAR(45) NULL,
	framedipv6address VARCHAR(45) NULL,
	framedipv6prefix VARCHAR(44) NULL,
	framedinterfaceid VARCHAR(19) NULL,
	delegatedipv6prefix VARCHAR(44) NULL,
	class VARCHAR(64) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX radacct_acctuniqueid_key ON radacct (acctuniqueid);
CREATE INDEX radacct_acctsessionid ON radacct (acctsessionid);
-- Listings are newest first: InnoDB scans these backwards, NULL start
-- times (smallest) coming last, the primary key breaking ties.
CREATE INDEX radacct_acctstarttime ON radacct (acctstarttime);
CREATE INDEX radacct_username_acctstarttime ON radacct (username, acctstarttime);
CREATE INDEX radacct_calledstationid_acctstarttime ON radacct (calledstationid, acctstarttime);
CREATE INDEX radacct_callingstationid_acctstarttime ON radacct (callingstationid, acctstarttime);
CREATE INDEX radacct_acctstoptime ON radacct (acctstoptime);
CREATE INDEX radacct_acctupdatetime ON radacct (acctupdatetime);
CREATE INDEX radacct_nasipaddress ON radacct (nasipaddress);

CREATE TABLE radpostauth (
	id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	pass VARCHAR(64) NOT NULL DEFAULT '',
	reply VARCHAR(32) NOT NULL DEFAULT '',
	authdate DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	class VARCHAR(64) NULL,
	calledstationid VARCHAR(50) NULL,
	callingstationid VARCHAR(50) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radpostauth_username ON radpostauth (username);
CREATE INDEX radpostauth_authdate ON radpostauth (authdate);

CREATE TABLE nas (
	id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	nasname VARCHAR(128) NOT NULL,
	shortname VARCHAR(32) NULL,
	type VARCHAR(30) NOT NULL DEFAULT 'other',
	ports INT NULL CHECK (ports >= 0),
	secret VARCHAR(60) NOT NULL DEFAULT 'secret',
	server VARCHAR(64) NULL,
	community VARCHAR(50) NULL,
	description VARCHAR(200) NULL DEFAULT 'RADIUS Client',
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX nas_nasname ON nas (nasname);

CREATE TABLE radbatch (
	id VARCHAR(36) NOT NULL PRIMARY KEY,
	name VARCHAR(128) NOT NULL,
	strategy VARCHAR(16) NOT NULL,
	prefix VARCHAR(20) NULL,
	csvfile VARCHAR(255) NULL,
	pdf VARCHAR(255) NULL,
	expiration_date DATE NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	modified DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX radbatch_name_key ON radbatch (name);

CREATE TABLE radbatch_users (
	batch_id VARCHAR(36) NOT NULL,
	user_id INT NOT NULL,
	PRIMARY KEY (batch_id, user_id),
	CONSTRAINT radbatch_users_batch_id_fk FOREIGN KEY (batch_id) REFERENCES radbatch (id) ON DELETE CASCADE,
	CONSTRAINT radbatch_users_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX radbatch_users_user_id ON radbatch_users (user_id);

CREATE TABLE radbatch_file (
	batch_id VARCHAR(36) NOT NULL,
	kind VARCHAR(3) NOT NULL CHECK (kind IN ('csv', 'pdf')),
	name VARCHAR(255) NOT NULL,
	content_type VARCHAR(100) NOT NULL,
	content LONGBLOB NOT NULL,
	PRIMARY KEY (batch_id, kind),
	CONSTRAINT radbatch_file_batch_id_fk FOREIGN KEY (batch_id) REFERENCES radbatch (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE radiustoken (
	`key` VARCHAR(40) NOT NULL PRIMARY KEY,
	user_id INT NOT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT radiustoken_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX radiustoken_user_id_key ON radiustoken (user_id);

CREATE TABLE authtoken (
	`key` VARCHAR(40) NOT NULL PRIMARY KEY,
	user_id INT NOT NULL,
	created DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
	CONSTRAINT authtoken_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX authtoken_user_id_key ON authtoken (user_id);

CREATE TABLE goradius_setting (
	name VARCHAR(100) NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- django-freeradius's data migration 0003: the default group and its daily
-- limits (3 hours, 3 000 000 000 bytes), and power-users without limits.
INSERT INTO radiusgroup (name, description, is_default) VALUES ('users', 'Regular users', TRUE);
INSERT INTO radiusgroup (name, description, is_default) VALUES ('power-users', 'Users with less restrictions', FALSE);
INSERT INTO radgroupcheck (groupname, attribute, op, value, group_id)
	SELECT name, 'Max-Daily-Session', ':=', '10800', id FROM radiusgroup WHERE name = 'users';
INSERT INTO radgroupcheck (groupname, attribute, op, value, group_id)
	SELECT name, 'Max-Daily-Session-Traffic', ':=', '3000000000', id FROM radiusgroup WHERE name = 'users';
