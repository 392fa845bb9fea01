-- goradius schema 2 (PostgreSQL): an index for the per-user session sums
-- and counts (usage counters, Simultaneous-Use): username = $1 AND
-- (acctstoptime >= $2 OR acctstoptime IS NULL) and username = $1 AND
-- acctstoptime IS NULL read only the user's sessions that matter (a B-tree
-- indexes NULLs, so IS NULL is an index condition too).
CREATE INDEX radacct_username_acctstoptime ON radacct (username, acctstoptime);
