-- Each start an agent reports is an attempt of the build, numbered from 1, with the agent, when it started and, once
-- it failed, the builder's exit status when the agent knew it. Builds started before this version have none. No
-- foreign key: attempts are history, read by build id only, and go with their build.

CREATE TABLE build_attempt (
    build_id CHAR(36) NOT NULL,
    attempt INTEGER NOT NULL,
    agent_id CHAR(36) NOT NULL,
    started_at BIGINT NOT NULL,
    exit_status INTEGER,
    PRIMARY KEY (build_id, attempt)
);
