-- Version 3: indexes that serve the build list sorted by priority, system or derivation (the sorted column, then
-- the submission order that breaks ties and pages with a cursor), and the stored positions of the outbox's
-- readers (the hook queues), which were files in the state directory before. build_drv stays: Derby never made it
-- (the foreign key's index serves), so dropping it would fail there.

CREATE INDEX build_priority_seq ON build (priority, seq);

CREATE INDEX build_system_seq ON build (system_name, seq);

CREATE INDEX build_drv_seq ON build (drv_path, seq);

CREATE TABLE event_cursor (
    reader VARCHAR(300) NOT NULL PRIMARY KEY,
    event_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
