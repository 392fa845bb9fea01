-- Lists of open sessions (GET /api/v1/accounting/?is_open=true) read the
-- newest first: with acctstarttime after acctstoptime (and the row id
-- every index entry carries), the database walks this index backwards
-- instead of sorting every open session for each page. It also serves
-- every acctstoptime lookup, so the single-column index goes.
CREATE INDEX radacct_acctstoptime_acctstarttime ON radacct (acctstoptime, acctstarttime);
DROP INDEX radacct_acctstoptime ON radacct;
