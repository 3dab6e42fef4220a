-- Vigil's event log: projects, the append-only events table partitioned by the time events
-- happened, API keys (hashed) and consumer offsets. Applied once by `vigil migrate` or at start-up.

CREATE TABLE projects (
    project_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The global order readers consume in. Only the appender takes values, and only while it holds
-- the append lock, so values commit in the order they were taken.
CREATE SEQUENCE event_seq AS bigint;

CREATE TABLE events (
    project_id bigint NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    dedup_key bytea NOT NULL,
    body jsonb NOT NULL
) PARTITION BY RANGE (occurred_at);

CREATE INDEX events_seq_idx ON events (seq);
-- Retried exports are stored once. The partition key is part of the key, as Postgres requires;
-- a retried span or point carries the same time, so it lands in the same partition.
CREATE UNIQUE INDEX events_dedup_idx ON events (project_id, dedup_key, occurred_at);

-- The log is append-only: the database refuses UPDATE, DELETE and TRUNCATE. Retention drops
-- whole partitions instead.
CREATE FUNCTION vigil_refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_refuse_row_change BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION vigil_refuse_event_change();
CREATE TRIGGER events_refuse_statement_change BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_event_change();

-- Creates the month partition holding `at`, if it is missing, with the same refusals as its parent.
CREATE FUNCTION vigil_ensure_event_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    month_end timestamptz := (date_trunc('month', at AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    partition_name text := 'events_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY"m"MM');
BEGIN
    IF to_regclass(partition_name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                       partition_name, month_start, month_end);
        EXECUTE format('CREATE TRIGGER refuse_statement_change BEFORE UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_event_change()', partition_name);
    END IF;
    RETURN partition_name;
END
$$;

CREATE TABLE api_keys (
    project_id bigint NOT NULL REFERENCES projects (project_id),
    key_id bigint GENERATED ALWAYS AS IDENTITY,
    -- The public part of the key, used to find it; the secret is only stored as a SHA-256 hash.
    lookup text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL,
    role text NOT NULL CHECK (role IN ('ingest', 'read', 'admin')),
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (project_id, key_id)
);

-- Where each processor has read the log up to; written in the same transaction as its projections.
CREATE TABLE consumer_offsets (
    consumer text PRIMARY KEY,
    seq bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
