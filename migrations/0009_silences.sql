-- Silences: while one matches an alert, the alert still changes state (and those transitions are
-- logged) but no notification is sent for it.
CREATE TABLE silences (
    project_id bigint NOT NULL,
    id bigserial NOT NULL,
    -- [{"name", "value", "isRegex", "isEqual"}], as Alertmanager's matchers
    matchers jsonb NOT NULL,
    starts_at timestamptz NOT NULL DEFAULT now(),
    ends_at timestamptz NOT NULL,
    comment text NOT NULL,
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, id)
);
