-- Version 8 gives SQLite and PostgreSQL what goradius needs to know, without
-- a query, that a username is unknown (a log table, notifications). On
-- MySQL and MariaDB goradius asks the database about every name, so this
-- version changes nothing.
DO 0;
