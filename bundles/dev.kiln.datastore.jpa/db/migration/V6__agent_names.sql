-- Agent names are unique, so that commands can name an agent instead of giving its id. Agents that share a name
-- from before keep the oldest one as it is (by id, as the creation time may tie); the others get their id appended.

UPDATE agent SET name = SUBSTR(name, 1, 163) || '-' || id
    WHERE EXISTS (SELECT 1 FROM agent older WHERE older.name = agent.name AND older.id < agent.id);

CREATE UNIQUE INDEX agent_name ON agent (name);
