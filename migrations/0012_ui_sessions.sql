-- Sessions of the web view at /ui: made by signing in with a read or admin key. The browser holds
-- a random 32-byte token in the vigil_session cookie; only its SHA-256 hash is stored here. A
-- session is good until expires_at (12 hours) and only while its key is not revoked (checked
-- against api_keys on every request); signing out deletes the row.
CREATE TABLE ui_sessions (
    session_hash bytea PRIMARY KEY CHECK (octet_length(session_hash) = 32),
    project_id bigint NOT NULL,
    key_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    FOREIGN KEY (project_id, key_id) REFERENCES api_keys (project_id, key_id) ON DELETE CASCADE
);

CREATE INDEX ui_sessions_expiry_idx ON ui_sessions (expires_at);
