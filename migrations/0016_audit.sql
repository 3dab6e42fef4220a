-- The audit trail (the Governance issue). Every operate, admin and operator action, and every key
-- made or revoked with the CLI, is an `audit` event in the log; this table is its projection,
-- kept by the `audit` processor, so that the trail outlives the log's retention (400 days by
-- default, `VIGIL_AUDIT_RETENTION_DAYS`). It holds no secret: bodies name keys by id and lookup,
-- never by token, and receivers by name.

CREATE TABLE audit_log (
    project_id bigint NOT NULL,
    seq bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    -- `key` (an API key: key_id and role given), `cli` or `vigil` (Vigil itself)
    actor text NOT NULL,
    key_id bigint,
    role text,
    action text NOT NULL,
    target text,
    -- succeeded, rejected, not_found, conflict or failed
    outcome text NOT NULL,
    request_id text,
    body jsonb NOT NULL,
    PRIMARY KEY (project_id, seq)
);

CREATE INDEX audit_log_recent_idx ON audit_log (project_id, occurred_at DESC);
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);
