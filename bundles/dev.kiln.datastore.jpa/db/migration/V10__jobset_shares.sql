-- Fair shares: each jobset's shares of build time, read by the allocator without the jobset's definition. The build
-- time of the last 24 hours is read once at start, without an index of its own, as every insert would pay for one.

ALTER TABLE jobset ADD COLUMN shares INTEGER DEFAULT 1 NOT NULL;
