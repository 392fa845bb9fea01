-- goradius schema 1 (SQLite).
--
-- FreeRADIUS 3.2 tables (radcheck, radreply, radgroupcheck, radgroupreply,
-- radusergroup, radacct, radpostauth, nas) with django-freeradius's extra
-- columns, and goradius's own tables. Times are UTC text
-- 'YYYY-MM-DD HH:MM:SS.ffffff' (declared TEXT so the driver hands back the
-- text as stored); the defaults produce the same form so rows inserted by
-- other tools sort and compare with goradius's. Booleans are 0/1.

CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username VARCHAR(150) NOT NULL,
	password VARCHAR(128) NOT NULL,
	email VARCHAR(254) NOT NULL DEFAULT '',
	first_name VARCHAR(150) NOT NULL DEFAULT '',
	last_name VARCHAR(150) NOT NULL DEFAULT '',
	is_active BOOLEAN NOT NULL DEFAULT TRUE,
	is_staff BOOLEAN NOT NULL DEFAULT FALSE,
	is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
	last_login TEXT NULL,
	date_joined TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	expires_at TEXT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);

CREATE TABLE radiusgroup (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name VARCHAR(255) NOT NULL,
	description VARCHAR(64) NULL,
	is_default BOOLEAN NOT NULL DEFAULT FALSE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE UNIQUE INDEX radiusgroup_name_key ON radiusgroup (name);
-- At most one default group.
CREATE UNIQUE INDEX radiusgroup_one_default ON radiusgroup (is_default) WHERE is_default;

CREATE TABLE radcheck (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT ':=',
	value VARCHAR(253) NOT NULL,
	user_id INTEGER NULL REFERENCES users (id) ON DELETE CASCADE,
	is_active BOOLEAN NOT NULL DEFAULT TRUE,
	valid_until TEXT NULL,
	notes TEXT NULL,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX radcheck_username ON radcheck (username);
CREATE INDEX radcheck_user_id ON radcheck (user_id);

CREATE TABLE radreply (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT '=',
	value VARCHAR(253) NOT NULL,
	user_id INTEGER NULL REFERENCES users (id) ON DELETE CASCADE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX radreply_username ON radreply (username);
CREATE INDEX radreply_user_id ON radreply (user_id);

CREATE TABLE radgroupcheck (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	groupname VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT ':=',
	value VARCHAR(253) NOT NULL,
	group_id INTEGER NULL REFERENCES radiusgroup (id) ON DELETE CASCADE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX radgroupcheck_groupname ON radgroupcheck (groupname);
CREATE INDEX radgroupcheck_group_id ON radgroupcheck (group_id);

CREATE TABLE radgroupreply (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	groupname VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT '=',
	value VARCHAR(253) NOT NULL,
	group_id INTEGER NULL REFERENCES radiusgroup (id) ON DELETE CASCADE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX radgroupreply_groupname ON radgroupreply (groupname);
CREATE INDEX radgroupreply_group_id ON radgroupreply (group_id);

CREATE TABLE radusergroup (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username VARCHAR(64) NOT NULL,
	groupname VARCHAR(64) NOT NULL,
	priority INTEGER NOT NULL DEFAULT 1,
	user_id INTEGER NULL REFERENCES users (id) ON DELETE CASCADE,
	group_id INTEGER NULL REFERENCES radiusgroup (id) ON DELETE CASCADE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX radusergroup_username ON radusergroup (username);
CREATE INDEX radusergroup_user_id ON radusergroup (user_id);
CREATE INDEX radusergroup_group_id ON radusergroup (group_id);

-- IP columns are 45 characters: the longest text form of an IPv6 address
-- (IPv4-mapped, dotted). FreeRADIUS's own sql module may write '' into them.
CREATE TABLE radacct (
	radacctid INTEGER PRIMARY KEY AUTOINCREMENT,
	acctsessionid VARCHAR(64) NOT NULL,
	acctuniqueid VARCHAR(32) NOT NULL,
	username VARCHAR(64) NULL,
	groupname VARCHAR(64) NULL,
	realm VARCHAR(64) NULL,
	nasipaddress VARCHAR(45) NOT NULL,
	nasportid VARCHAR(15) NULL,
	nasporttype VARCHAR(32) NULL,
	acctstarttime TEXT NULL,
	acctupdatetime TEXT NULL,
	acctstoptime TEXT NULL,
	acctinterval INTEGER NULL,
	acctsessiontime INTEGER NULL CHECK (acctsessiontime >= 0),
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
);
CREATE UNIQUE INDEX radacct_acctuniqueid_key ON radacct (acctuniqueid);
CREATE INDEX radacct_acctsessionid ON radacct (acctsessionid);
-- Listings are newest first: SQLite scans these backwards, NULL start
-- times (smallest) coming last, rowid breaking ties.
CREATE INDEX radacct_acctstarttime ON radacct (acctstarttime);
CREATE INDEX radacct_username_acctstarttime ON radacct (username, acctstarttime);
CREATE INDEX radacct_calledstationid_acctstarttime ON radacct (calledstationid, acctstarttime);
CREATE INDEX radacct_callingstationid_acctstarttime ON radacct (callingstationid, acctstarttime);
CREATE INDEX radacct_acctstoptime ON radacct (acctstoptime);
CREATE INDEX radacct_acctupdatetime ON radacct (acctupdatetime);
CREATE INDEX radacct_nasipaddress ON radacct (nasipaddress);

CREATE TABLE radpostauth (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username VARCHAR(64) NOT NULL,
	pass VARCHAR(64) NOT NULL DEFAULT '',
	reply VARCHAR(32) NOT NULL DEFAULT '',
	authdate TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	class VARCHAR(64) NULL,
	calledstationid VARCHAR(50) NULL,
	callingstationid VARCHAR(50) NULL
);
CREATE INDEX radpostauth_username ON radpostauth (username);
CREATE INDEX radpostauth_authdate ON radpostauth (authdate);

CREATE TABLE nas (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	nasname VARCHAR(128) NOT NULL,
	shortname VARCHAR(32) NULL,
	type VARCHAR(30) NOT NULL DEFAULT 'other',
	ports INTEGER NULL CHECK (ports >= 0),
	secret VARCHAR(60) NOT NULL DEFAULT 'secret',
	server VARCHAR(64) NULL,
	community VARCHAR(50) NULL,
	description VARCHAR(200) NULL DEFAULT 'RADIUS Client',
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX nas_nasname ON nas (nasname);

CREATE TABLE radbatch (
	id VARCHAR(36) NOT NULL PRIMARY KEY,
	name VARCHAR(128) NOT NULL,
	strategy VARCHAR(16) NOT NULL,
	prefix VARCHAR(20) NULL,
	csvfile VARCHAR(255) NULL,
	pdf VARCHAR(255) NULL,
	expiration_date TEXT NULL,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
	modified TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE UNIQUE INDEX radbatch_name_key ON radbatch (name);

CREATE TABLE radbatch_users (
	batch_id VARCHAR(36) NOT NULL REFERENCES radbatch (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (batch_id, user_id)
);
CREATE INDEX radbatch_users_user_id ON radbatch_users (user_id);

CREATE TABLE radbatch_file (
	batch_id VARCHAR(36) NOT NULL REFERENCES radbatch (id) ON DELETE CASCADE,
	kind VARCHAR(3) NOT NULL CHECK (kind IN ('csv', 'pdf')),
	name VARCHAR(255) NOT NULL,
	content_type VARCHAR(100) NOT NULL,
	content BLOB NOT NULL,
	PRIMARY KEY (batch_id, kind)
);

CREATE TABLE radiustoken (
	"key" VARCHAR(40) NOT NULL PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE UNIQUE INDEX radiustoken_user_id_key ON radiustoken (user_id);

CREATE TABLE authtoken (
	"key" VARCHAR(40) NOT NULL PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE UNIQUE INDEX authtoken_user_id_key ON authtoken (user_id);

CREATE TABLE goradius_setting (
	name VARCHAR(100) NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
);

-- django-freeradius's data migration 0003: the default group and its daily
-- limits (3 hours, 3 000 000 000 bytes), and power-users without limits.
INSERT INTO radiusgroup (name, description, is_default) VALUES ('users', 'Regular users', TRUE);
INSERT INTO radiusgroup (name, description, is_default) VALUES ('power-users', 'Users with less restrictions', FALSE);
INSERT INTO radgroupcheck (groupname, attribute, op, value, group_id)
	SELECT name, 'Max-Daily-Session', ':=', '10800', id FROM radiusgroup WHERE name = 'users';
INSERT INTO radgroupcheck (groupname, attribute, op, value, group_id)
	SELECT name, 'Max-Daily-Session-Traffic', ':=', '3000000000', id FROM radiusgroup WHERE name = 'users';
