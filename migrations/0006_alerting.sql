-- Alerting: the state of every alert (rule × project × label set), the notification groups that
-- batch them per receiver as Alertmanager does, and the outbox the notifier delivers from.
-- Every transition is also an event in the log (kind alert_transition); these tables are the
-- evaluator's working state, written in the same transaction as those events and the outbox rows.

CREATE TABLE alert_states (
    project_id bigint NOT NULL,
    rule text NOT NULL,
    fingerprint text NOT NULL,
    labels jsonb NOT NULL,
    status text NOT NULL,
    value double precision,
    -- the whole state machine (Alert, Codable)
    machine jsonb NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, rule, fingerprint)
);

CREATE TABLE notification_groups (
    project_id bigint NOT NULL,
    receiver text NOT NULL,
    group_key text NOT NULL,
    -- the group's alerts and timers (NotificationGroup, Codable)
    state jsonb NOT NULL,
    next_flush_at timestamptz,
    PRIMARY KEY (project_id, receiver, group_key)
);

CREATE TABLE alert_outbox (
    project_id bigint NOT NULL,
    id bigserial NOT NULL,
    -- X-Vigil-Delivery: the same on every attempt of this delivery
    delivery_id text NOT NULL UNIQUE,
    receiver text NOT NULL,
    group_key text NOT NULL,
    -- firing or resolved (the notification's status)
    alert_status text NOT NULL,
    body bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    -- pending, delivered or dead
    status text NOT NULL DEFAULT 'pending',
    last_error text,
    last_attempt_at timestamptz,
    delivered_at timestamptz,
    PRIMARY KEY (project_id, id)
);

CREATE INDEX alert_outbox_due_idx ON alert_outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE rule_evaluations (
    rule text PRIMARY KEY,
    last_evaluation timestamptz NOT NULL,
    duration_ms double precision NOT NULL,
    last_error text
);
