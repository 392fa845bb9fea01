-- goradius schema 1 (PostgreSQL).
--
-- FreeRADIUS 3.2 tables (radcheck, radreply, radgroupcheck, radgroupreply,
-- radusergroup, radacct, radpostauth, nas) with django-freeradius's extra
-- columns, and goradius's own tables. Times are timestamp with time zone;
-- IP addresses are inet, as in FreeRADIUS's and django-freeradius's schemas.
-- Names that goradius sorts or matches by prefix use the "C" collation:
-- byte order, case-sensitive, like the other dialects.

CREATE TABLE users (
	id serial PRIMARY KEY,
	username VARCHAR(150) COLLATE "C" NOT NULL,
	password VARCHAR(128) NOT NULL,
	email VARCHAR(254) NOT NULL DEFAULT '',
	first_name VARCHAR(150) NOT NULL DEFAULT '',
	last_name VARCHAR(150) NOT NULL DEFAULT '',
	is_active boolean NOT NULL DEFAULT TRUE,
	is_staff boolean NOT NULL DEFAULT FALSE,
	is_superuser boolean NOT NULL DEFAULT FALSE,
	last_login timestamp with time zone NULL,
	date_joined timestamp with time zone NOT NULL DEFAULT now(),
	expires_at timestamp with time zone NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);

CREATE TABLE radiusgroup (
	id serial PRIMARY KEY,
	name VARCHAR(255) COLLATE "C" NOT NULL,
	description VARCHAR(64) NULL,
	is_default boolean NOT NULL DEFAULT FALSE,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX radiusgroup_name_key ON radiusgroup (name);
-- At most one default group.
CREATE UNIQUE INDEX radiusgroup_one_default ON radiusgroup (is_default) WHERE is_default;

CREATE TABLE radcheck (
	id serial PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT ':=',
	value VARCHAR(253) NOT NULL,
	user_id integer NULL REFERENCES users (id) ON DELETE CASCADE,
	is_active boolean NOT NULL DEFAULT TRUE,
	valid_until timestamp with time zone NULL,
	notes TEXT NULL,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX radcheck_username ON radcheck (username);
CREATE INDEX radcheck_user_id ON radcheck (user_id);

CREATE TABLE radreply (
	id serial PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT '=',
	value VARCHAR(253) NOT NULL,
	user_id integer NULL REFERENCES users (id) ON DELETE CASCADE,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX radreply_username ON radreply (username);
CREATE INDEX radreply_user_id ON radreply (user_id);

CREATE TABLE radgroupcheck (
	id serial PRIMARY KEY,
	groupname VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT ':=',
	value VARCHAR(253) NOT NULL,
	group_id integer NULL REFERENCES radiusgroup (id) ON DELETE CASCADE,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX radgroupcheck_groupname ON radgroupcheck (groupname);
CREATE INDEX radgroupcheck_group_id ON radgroupcheck (group_id);

CREATE TABLE radgroupreply (
	id serial PRIMARY KEY,
	groupname VARCHAR(64) NOT NULL,
	attribute VARCHAR(64) NOT NULL,
	op VARCHAR(2) NOT NULL DEFAULT '=',
	value VARCHAR(253) NOT NULL,
	group_id integer NULL REFERENCES radiusgroup (id) ON DELETE CASCADE,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX radgroupreply_groupname ON radgroupreply (groupname);
CREATE INDEX radgroupreply_group_id ON radgroupreply (group_id);

CREATE TABLE radusergroup (
	id serial PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	groupname VARCHAR(64) NOT NULL,
	priority integer NOT NULL DEFAULT 1,
	user_id integer NULL REFERENCES users (id) ON DELETE CASCADE,
	group_id integer NULL REFERENCES radiusgroup (id) ON DELETE CASCADE,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX radusergroup_username ON radusergroup (username);
CREATE INDEX radusergroup_user_id ON radusergroup (user_id);
CREATE INDEX radusergroup_group_id ON radusergroup (group_id);

CREATE TABLE radacct (
	radacctid serial PRIMARY KEY,
	acctsessionid VARCHAR(64) NOT NULL,
	acctuniqueid VARCHAR(32) NOT NULL,
	username VARCHAR(64) NULL,
	groupname VARCHAR(64) NULL,
	realm VARCHAR(64) NULL,
	nasipaddress inet NOT NULL,
	nasportid VARCHAR(15) NULL,
	nasporttype VARCHAR(32) NULL,
	acctstarttime timestamp with time zone NULL,
	acctupdatetime timestamp with time zone NULL,
	acctstoptime timestamp with time zone NULL,
	acctinterval integer NULL,
	acctsessiontime integer NULL CHECK (acctsessiontime >= 0),
	acctauthentic VARCHAR(32) NULL,
	connectinfo_start VARCHAR(50) NULL,
	connectinfo_stop VARCHAR(50) NULL,
	acctinputoctets bigint NULL,
	acctoutputoctets bigint NULL,
	calledstationid VARCHAR(50) NULL,
	callingstationid VARCHAR(50) NULL,
	acctterminatecause VARCHAR(32) NULL,
	servicetype VARCHAR(32) NULL,
	framedprotocol VARCHAR(32) NULL,
	framedipaddress inet NULL,
	framedipv6address inet NULL,
	framedipv6prefix VARCHAR(44) NULL,
	framedinterfaceid VARCHAR(19) NULL,
	delegatedipv6prefix VARCHAR(44) NULL,
	class VARCHAR(64) NULL
);
CREATE UNIQUE INDEX radacct_acctuniqueid_key ON radacct (acctuniqueid);
CREATE INDEX radacct_acctsessionid ON radacct (acctsessionid);
-- Listings are ordered acctstarttime DESC NULLS LAST, radacctid DESC; the
-- indexes are built in that order so a page is read without sorting.
CREATE INDEX radacct_acctstarttime ON radacct (acctstarttime DESC NULLS LAST, radacctid DESC);
CREATE INDEX radacct_username_acctstarttime ON radacct (username, acctstarttime DESC NULLS LAST, radacctid DESC);
CREATE INDEX radacct_calledstationid_acctstarttime ON radacct (calledstationid, acctstarttime DESC NULLS LAST, radacctid DESC);
CREATE INDEX radacct_callingstationid_acctstarttime ON radacct (callingstationid, acctstarttime DESC NULLS LAST, radacctid DESC);
CREATE INDEX radacct_acctstoptime ON radacct (acctstoptime);
CREATE INDEX radacct_acctupdatetime ON radacct (acctupdatetime);
CREATE INDEX radacct_nasipaddress ON radacct (nasipaddress);

CREATE TABLE radpostauth (
	id bigserial PRIMARY KEY,
	username VARCHAR(64) NOT NULL,
	pass VARCHAR(64) NOT NULL DEFAULT '',
	reply VARCHAR(32) NOT NULL DEFAULT '',
	authdate timestamp with time zone NOT NULL DEFAULT now(),
	class VARCHAR(64) NULL,
	calledstationid VARCHAR(50) NULL,
	callingstationid VARCHAR(50) NULL
);
CREATE INDEX radpostauth_username ON radpostauth (username);
CREATE INDEX radpostauth_authdate ON radpostauth (authdate);

CREATE TABLE nas (
	id serial PRIMARY KEY,
	nasname VARCHAR(128) NOT NULL,
	shortname VARCHAR(32) NULL,
	type VARCHAR(30) NOT NULL DEFAULT 'other',
	ports integer NULL CHECK (ports >= 0),
	secret VARCHAR(60) NOT NULL DEFAULT 'secret',
	server VARCHAR(64) NULL,
	community VARCHAR(50) NULL,
	description VARCHAR(200) NULL DEFAULT 'RADIUS Client',
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX nas_nasname ON nas (nasname);

CREATE TABLE radbatch (
	id VARCHAR(36) NOT NULL PRIMARY KEY,
	name VARCHAR(128) NOT NULL,
	strategy VARCHAR(16) NOT NULL,
	prefix VARCHAR(20) NULL,
	csvfile VARCHAR(255) NULL,
	pdf VARCHAR(255) NULL,
	expiration_date DATE NULL,
	created timestamp with time zone NOT NULL DEFAULT now(),
	modified timestamp with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX radbatch_name_key ON radbatch (name);

CREATE TABLE radbatch_users (
	batch_id VARCHAR(36) NOT NULL REFERENCES radbatch (id) ON DELETE CASCADE,
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (batch_id, user_id)
);
CREATE INDEX radbatch_users_user_id ON radbatch_users (user_id);

CREATE TABLE radbatch_file (
	batch_id VARCHAR(36) NOT NULL REFERENCES radbatch (id) ON DELETE CASCADE,
	kind VARCHAR(3) NOT NULL CHECK (kind IN ('csv', 'pdf')),
	name VARCHAR(255) COLLATE "C" NOT NULL,
	content_type VARCHAR(100) NOT NULL,
	content bytea NOT NULL,
	PRIMARY KEY (batch_id, kind)
);

CREATE TABLE radiustoken (
	"key" VARCHAR(40) NOT NULL PRIMARY KEY,
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created timestamp with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX radiustoken_user_id_key ON radiustoken (user_id);

CREATE TABLE authtoken (
	"key" VARCHAR(40) NOT NULL PRIMARY KEY,
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created timestamp with time zone NOT NULL DEFAULT now()
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
