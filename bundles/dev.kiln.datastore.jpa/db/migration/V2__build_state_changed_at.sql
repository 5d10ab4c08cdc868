-- Version 2: when each build entered its current state (shown by the clients, and the age the lost-agent and
-- listing queries sort by), and an index that serves "builds in state S, newest first" without a sort.

ALTER TABLE build ADD COLUMN state_changed_at BIGINT;

UPDATE build SET state_changed_at = COALESCE(finished_at, started_at, submitted_at);

ALTER TABLE build ALTER COLUMN state_changed_at ${SET_NOT_NULL};

DROP INDEX build_state;

CREATE INDEX build_state_seq ON build (state, seq);
