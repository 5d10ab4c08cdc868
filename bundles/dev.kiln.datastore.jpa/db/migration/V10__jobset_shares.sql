-- Fair shares: each jobset's shares of build time, read by the allocator without the jobset's definition (the build
-- time of the last 24 hours is read once at start, without an index of its own, as every insert would pay for one);
-- and what each agent said it can do with its latest fetch (system features, mandatory ones, speed factor), so that
-- a coordinator that restarts knows which builds no agent can take before the agents fetch again.

ALTER TABLE jobset ADD COLUMN shares INTEGER DEFAULT 1 NOT NULL;

ALTER TABLE agent ADD COLUMN features VARCHAR(2000);

ALTER TABLE agent ADD COLUMN mandatory_features VARCHAR(2000);

ALTER TABLE agent ADD COLUMN speed_factor DOUBLE PRECISION;
