-- goradius schema 2 (SQLite): an index for the per-user session sums and
-- counts (usage counters, Simultaneous-Use): username = ? AND
-- (acctstoptime >= ? OR acctstoptime IS NULL) and username = ? AND
-- acctstoptime IS NULL read only the user's sessions that matter.
CREATE INDEX radacct_username_acctstoptime ON radacct (username, acctstoptime);
