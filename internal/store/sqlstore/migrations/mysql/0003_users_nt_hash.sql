-- An NT hash (MD4 of the UTF-16LE password, 32 hex digits) kept beside the
-- Django hash when the operator opts in, so FreeRADIUS's mschap module can
-- authenticate MS-CHAP and PEAP-MSCHAPv2 logins.
ALTER TABLE users ADD COLUMN nt_hash VARCHAR(32) NULL;
