-- Lists of open sessions (GET /api/v1/accounting/?is_open=true) read the
-- newest first: a partial index in exactly that order lets PostgreSQL
-- read one page without sorting every open session.
CREATE INDEX radacct_open_acctstarttime ON radacct (acctstarttime DESC NULLS LAST, radacctid DESC)
    WHERE acctstoptime IS NULL;
