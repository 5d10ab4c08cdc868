-- When the final commit status of an evaluation (with its per-job statuses) reached the forge, so that an evaluation
-- whose builds were still running when the coordinator stopped is followed again at the next start and its final
-- status is still posted. Evaluations that finished before this version count as reported: their statuses are not
-- posted again.

ALTER TABLE evaluation ADD COLUMN reported_at BIGINT;

UPDATE evaluation SET reported_at = finished_at WHERE finished_at IS NOT NULL;
