-- Jobsets, their evaluations and the builds each evaluation stands for, which were JSON files beside the database.
-- A jobset's settings are one JSON object that the jobsets' bundle reads: a new setting needs no new schema.

CREATE TABLE jobset (
    name VARCHAR(100) NOT NULL PRIMARY KEY,
    definition ${TEXT} NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE evaluation (
    id BIGINT NOT NULL PRIMARY KEY,
    jobset_name VARCHAR(100) NOT NULL,
    commits ${TEXT} NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    derivations_found INTEGER NOT NULL,
    builds_submitted INTEGER NOT NULL,
    error ${TEXT}
);

CREATE INDEX evaluation_jobset_id ON evaluation (jobset_name, id);

CREATE TABLE evaluation_build (
    evaluation_id BIGINT NOT NULL,
    found_order INTEGER NOT NULL,
    drv_path VARCHAR(512) NOT NULL,
    build_id CHAR(36) NOT NULL,
    PRIMARY KEY (evaluation_id, drv_path)
);

CREATE INDEX evaluation_build_build ON evaluation_build (build_id);
