-- The drift scheduler asks which features have samples in the current window: by project and time,
-- which the primary key (project, feature, time) cannot answer without reading every feature's rows.
CREATE INDEX drift_samples_recent_idx ON drift_samples (project_id, occurred_at);
