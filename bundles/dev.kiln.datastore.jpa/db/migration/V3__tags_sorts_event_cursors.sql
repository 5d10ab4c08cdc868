-- Version 3: indexes that serve the build list sorted by priority, system or derivation (the sorted column, then
-- the submission order that breaks ties and pages with a cursor), and the stored positions of the outbox's
-- readers (the hook queues), which were files in the state directory before. build_drv stays: Derby never made it
-- (the foreign key's index serves), so dropping it would fail there.

CREATE INDEX build_priority_seq ON build (priority, seq);

CREATE INDEX build_system_seq ON build (system_name, seq);

CREATE INDEX build_drv_seq ON build (drv_path, seq);

-- Derby never scans an index backwards: the newest-first list (the default), its state filter and the
-- highest-priority-first list need indexes in that order there, or every page sorts the matching builds.
-- PostgreSQL scans the ones above backwards. The other descending sorts (state, system, derivation) are rarer; on
-- Derby they sort.
${DERBY_ONLY}CREATE INDEX build_seq_desc ON build (seq DESC);

${DERBY_ONLY}CREATE INDEX build_state_seq_desc ON build (state, seq DESC);

${DERBY_ONLY}CREATE INDEX build_priority_seq_desc ON build (priority DESC, seq DESC);

CREATE TABLE event_cursor (
    reader VARCHAR(300) NOT NULL PRIMARY KEY,
    event_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
