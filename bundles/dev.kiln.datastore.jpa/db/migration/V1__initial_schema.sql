-- Kiln schema, version 1: derivations, builds, agents, results, setup failures and the event outbox.
-- Times are milliseconds since the epoch (UTC). ${TEXT} is the dialect's unbounded text type.

CREATE TABLE derivation (
    path VARCHAR(512) NOT NULL PRIMARY KEY,
    system_name VARCHAR(64) NOT NULL,
    aterm ${TEXT} NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE derivation_output (
    drv_path VARCHAR(512) NOT NULL REFERENCES derivation (path),
    output_name VARCHAR(128) NOT NULL,
    path VARCHAR(512) NOT NULL,
    PRIMARY KEY (drv_path, output_name)
);

CREATE INDEX derivation_output_path ON derivation_output (path);

CREATE TABLE derivation_input (
    drv_path VARCHAR(512) NOT NULL REFERENCES derivation (path),
    input_drv_path VARCHAR(512) NOT NULL,
    output_name VARCHAR(128) NOT NULL,
    PRIMARY KEY (drv_path, input_drv_path, output_name)
);

CREATE INDEX derivation_input_input ON derivation_input (input_drv_path);

CREATE TABLE derivation_source (
    drv_path VARCHAR(512) NOT NULL REFERENCES derivation (path),
    path VARCHAR(512) NOT NULL,
    PRIMARY KEY (drv_path, path)
);

CREATE TABLE build (
    id CHAR(36) NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    drv_path VARCHAR(512) NOT NULL REFERENCES derivation (path),
    system_name VARCHAR(64) NOT NULL,
    priority INTEGER NOT NULL,
    state VARCHAR(20) NOT NULL,
    submitted_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    agent_id CHAR(36),
    setup_failures INTEGER NOT NULL,
    defer_until BIGINT
);

CREATE INDEX build_drv ON build (drv_path);
CREATE INDEX build_state ON build (state);
CREATE INDEX build_agent ON build (agent_id);

CREATE TABLE build_tag (
    build_id CHAR(36) NOT NULL REFERENCES build (id),
    tag_key VARCHAR(128) NOT NULL,
    tag_value VARCHAR(512) NOT NULL,
    PRIMARY KEY (build_id, tag_key)
);

CREATE INDEX build_tag_key_value ON build_tag (tag_key, tag_value);

CREATE TABLE build_required_tag (
    build_id CHAR(36) NOT NULL REFERENCES build (id),
    tag_key VARCHAR(128) NOT NULL,
    tag_value VARCHAR(512) NOT NULL,
    PRIMARY KEY (build_id, tag_key, tag_value)
);

CREATE TABLE agent (
    id CHAR(36) NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    description VARCHAR(2000) NOT NULL,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT
);

CREATE TABLE agent_system (
    agent_id CHAR(36) NOT NULL REFERENCES agent (id),
    system_name VARCHAR(64) NOT NULL,
    PRIMARY KEY (agent_id, system_name)
);

CREATE TABLE agent_tag (
    agent_id CHAR(36) NOT NULL REFERENCES agent (id),
    tag_key VARCHAR(128) NOT NULL,
    tag_value VARCHAR(512) NOT NULL,
    PRIMARY KEY (agent_id, tag_key, tag_value)
);

CREATE TABLE agent_password (
    agent_id CHAR(36) NOT NULL PRIMARY KEY REFERENCES agent (id),
    password_hash VARCHAR(256) NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE build_output (
    build_id CHAR(36) NOT NULL REFERENCES build (id),
    output_name VARCHAR(128) NOT NULL,
    path VARCHAR(512) NOT NULL,
    PRIMARY KEY (build_id, output_name)
);

CREATE TABLE stored_path (
    path VARCHAR(512) NOT NULL PRIMARY KEY,
    hash_part CHAR(32) NOT NULL,
    nar_hash VARCHAR(80) NOT NULL,
    nar_size BIGINT NOT NULL,
    deriver VARCHAR(512),
    build_id CHAR(36),
    stored_at BIGINT NOT NULL
);

CREATE INDEX stored_path_hash_part ON stored_path (hash_part);

CREATE TABLE stored_path_reference (
    path VARCHAR(512) NOT NULL REFERENCES stored_path (path),
    reference_path VARCHAR(512) NOT NULL,
    PRIMARY KEY (path, reference_path)
);

CREATE TABLE setup_failure (
    id BIGINT NOT NULL PRIMARY KEY,
    build_id CHAR(36) NOT NULL REFERENCES build (id),
    agent_id CHAR(36) NOT NULL,
    failed_at BIGINT NOT NULL,
    kind VARCHAR(40) NOT NULL
);

CREATE INDEX setup_failure_build ON setup_failure (build_id);

CREATE TABLE setup_failure_missing_input (
    setup_failure_id BIGINT NOT NULL REFERENCES setup_failure (id),
    path VARCHAR(512) NOT NULL,
    PRIMARY KEY (setup_failure_id, path)
);

CREATE TABLE event (
    id BIGINT NOT NULL PRIMARY KEY,
    event_type VARCHAR(40) NOT NULL,
    event_time BIGINT NOT NULL,
    build_id CHAR(36),
    agent_id CHAR(36),
    payload ${TEXT} NOT NULL
);
