-- Per-group opt-in for NT hashes: when a user is in a group with this flag
-- (or the server-wide store-nt-hash setting is on), every new password of
-- that user is kept as an NT hash as well, for MS-CHAP and PEAP-MSCHAPv2.
-- A column of goradius's own radiusgroup table, never a radgroupcheck item:
-- FreeRADIUS's sql module would refuse an attribute it does not know.
ALTER TABLE radiusgroup ADD COLUMN store_nt_hash BOOLEAN NOT NULL DEFAULT FALSE;
