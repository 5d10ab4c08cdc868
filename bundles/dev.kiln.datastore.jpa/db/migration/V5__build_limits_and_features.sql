-- Version 5: what a build needs of an agent and what it may use. The system features its derivation requires
-- (space-separated, empty for none), the limits it was submitted with (null for the coordinator's default, 0 for
-- none), and how it failed.

ALTER TABLE build ADD COLUMN required_features VARCHAR(2000);

ALTER TABLE build ADD COLUMN timeout_seconds BIGINT;

ALTER TABLE build ADD COLUMN max_silent_seconds BIGINT;

ALTER TABLE build ADD COLUMN max_log_bytes BIGINT;

ALTER TABLE build ADD COLUMN max_output_bytes BIGINT;

ALTER TABLE build ADD COLUMN failure_kind VARCHAR(20);

UPDATE build SET failure_kind = 'failed' WHERE state = 'failed';
