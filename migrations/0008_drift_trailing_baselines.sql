-- A feature's reference can also be a trailing window of its own length (instead of the
-- server-wide VIGIL_DRIFT_REFERENCE): from_time and to_time are then unset.
ALTER TABLE drift_baselines ADD COLUMN trailing_seconds bigint;
ALTER TABLE drift_baselines ALTER COLUMN from_time DROP NOT NULL;
ALTER TABLE drift_baselines ALTER COLUMN to_time DROP NOT NULL;
