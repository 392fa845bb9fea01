-- goradius keeps the usernames that have an account or FreeRADIUS rows in
-- memory, so that a login of an unknown name costs no query. Every new or
-- renamed username of users, radcheck, radreply and radusergroup is logged
-- here, whichever program writes it (goradius, its command line, another
-- tool sharing the file); the server reads the new rows before it calls a
-- name unknown. It removes the rows it has read, except the newest.
CREATE TABLE goradius_names_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL
);

CREATE TRIGGER goradius_names_users_insert AFTER INSERT ON users
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_users_rename AFTER UPDATE OF username ON users
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_radcheck_insert AFTER INSERT ON radcheck
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_radcheck_rename AFTER UPDATE OF username ON radcheck
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_radreply_insert AFTER INSERT ON radreply
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_radreply_rename AFTER UPDATE OF username ON radreply
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_radusergroup_insert AFTER INSERT ON radusergroup
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
CREATE TRIGGER goradius_names_radusergroup_rename AFTER UPDATE OF username ON radusergroup
BEGIN
    INSERT INTO goradius_names_log (username) VALUES (NEW.username);
END;
