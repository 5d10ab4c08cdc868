-- Version 4: an agent's builds by state. Every fetch asks for the builds allocated to the agent and not yet started;
-- with an index on the agent alone, that walked every build the agent ever made. The new index also serves what the
-- old one did.

CREATE INDEX build_agent_state ON build (agent_id, state);

DROP INDEX build_agent;
