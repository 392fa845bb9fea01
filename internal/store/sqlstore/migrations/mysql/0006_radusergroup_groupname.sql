-- The admin operations find memberships by group: the user list filtered
-- by group, the membership list, and renaming or deleting a group (which
-- rewrites or removes its radusergroup rows). FreeRADIUS reads the table
-- by username only, so its schema has no such index.
CREATE INDEX radusergroup_groupname ON radusergroup (groupname);
