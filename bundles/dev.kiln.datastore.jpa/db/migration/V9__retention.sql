-- Retention: when each held path's narinfo was last served (recorded in batches, so it may lag by a minute), so that
-- under a storage limit the least recently served paths go first.

ALTER TABLE stored_path ADD COLUMN last_served BIGINT;
