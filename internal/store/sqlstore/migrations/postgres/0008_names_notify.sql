-- goradius keeps the usernames that have an account or FreeRADIUS rows in
-- memory, so that a login of an unknown name costs no query. Every new or
-- renamed username of users, radcheck, radreply and radusergroup is
-- announced on the channel goradius_names, whichever program writes it: a
-- payload 'name:' and the username, or '' when a statement added more than
-- 1,000 rows (the server then reads all names again). The server listens
-- to the channel and waits for its own announcements before it calls a
-- name unknown.
CREATE FUNCTION goradius_names_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM goradius_new_rows) > 1000 THEN
        PERFORM pg_notify('goradius_names', '');
    ELSE
        PERFORM pg_notify('goradius_names', 'name:' || n.username)
        FROM (SELECT DISTINCT username FROM goradius_new_rows WHERE username IS NOT NULL) n;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION goradius_name_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.username IS NOT NULL THEN
        PERFORM pg_notify('goradius_names', 'name:' || NEW.username);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER goradius_names_users_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS goradius_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goradius_names_inserted();
CREATE TRIGGER goradius_names_users_rename AFTER UPDATE OF username ON users
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION goradius_name_renamed();
CREATE TRIGGER goradius_names_radcheck_insert AFTER INSERT ON radcheck
    REFERENCING NEW TABLE AS goradius_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goradius_names_inserted();
CREATE TRIGGER goradius_names_radcheck_rename AFTER UPDATE OF username ON radcheck
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION goradius_name_renamed();
CREATE TRIGGER goradius_names_radreply_insert AFTER INSERT ON radreply
    REFERENCING NEW TABLE AS goradius_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goradius_names_inserted();
CREATE TRIGGER goradius_names_radreply_rename AFTER UPDATE OF username ON radreply
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION goradius_name_renamed();
CREATE TRIGGER goradius_names_radusergroup_insert AFTER INSERT ON radusergroup
    REFERENCING NEW TABLE AS goradius_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goradius_names_inserted();
CREATE TRIGGER goradius_names_radusergroup_rename AFTER UPDATE OF username ON radusergroup
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION goradius_name_renamed();
