-- Drift: the samples drift is computed over, the features' dimensions, pinned baselines and the
-- reports. `drift_samples` is a projection of the log kept by the `samples` processor: one row per
-- embedding vector (float32 little-endian bytes, never JSON numbers) or scalar value (input and
-- output tokens, latency, prompt length, evaluation scores) per feature, ordered by time.

CREATE TABLE drift_samples (
    project_id bigint NOT NULL,
    feature text NOT NULL,
    occurred_at timestamptz NOT NULL,
    seq bigint NOT NULL,
    ordinal integer NOT NULL,
    value double precision,
    vector bytea,
    PRIMARY KEY (project_id, feature, occurred_at, seq, ordinal)
);

-- The dimension of each embedding feature, fixed by its first vector.
CREATE TABLE embedding_features (
    project_id bigint NOT NULL,
    feature text NOT NULL,
    dimension integer NOT NULL,
    model text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, feature)
);

-- A pinned reference per feature: a time range, or the last N samples before it was pinned.
CREATE TABLE drift_baselines (
    project_id bigint NOT NULL,
    feature text NOT NULL,
    from_time timestamptz NOT NULL,
    to_time timestamptz NOT NULL,
    last_n integer,
    pinned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, feature)
);

CREATE TABLE drift_reports (
    project_id bigint NOT NULL,
    id bigserial NOT NULL,
    feature text NOT NULL,
    computed_at timestamptz NOT NULL,
    reference_from timestamptz NOT NULL,
    reference_to timestamptz NOT NULL,
    current_from timestamptz NOT NULL,
    current_to timestamptz NOT NULL,
    psi_mean double precision NOT NULL,
    psi_max double precision NOT NULL,
    drifted boolean NOT NULL,
    report jsonb NOT NULL,
    PRIMARY KEY (project_id, id)
);

CREATE INDEX drift_reports_feature_idx ON drift_reports (project_id, feature, computed_at DESC);
