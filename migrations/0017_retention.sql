-- Retention (the Governance issue): a project's raw events older than its retention are removed,
-- and the disk space comes back, without the log ever accepting UPDATE, DELETE or TRUNCATE.
--
-- The log was partitioned by month for every project together. From now on it is partitioned by
-- UTC day, and removal works on whole day partitions in two ways:
-- - drop: every project with rows in the partition is past its retention for the whole day
--   (the common case: one retention for everyone): DROP TABLE, nothing copied.
-- - compact: some projects are past their retention there and others are not (per-project
--   overrides): the rows of the projects still kept are copied into a new table, which replaces
--   the old one as the day's partition in one transaction; the old table is dropped. Costs a copy of
--   the kept rows, once per distinct shorter retention a day outlives.
-- Rows therefore live up to one day (one partition) past their project's retention. Partitions made
-- before this migration stay monthly until they pass; they follow the same rules at month size.
-- Rejected: sub-partitioning by project hash (a drop frees a bucket only when every project hashed
-- into it has expired, so per-project retention is still not honoured, and partitions multiply by
-- the bucket count); one partition per project and day (tens of thousands of tables).

-- Per-project retention set by an admin (`PUT /api/v1/retention`); projects without a row keep
-- `VIGIL_RETENTION_DAYS`.
CREATE TABLE project_retention (
    project_id bigint PRIMARY KEY REFERENCES projects (project_id),
    days integer NOT NULL CHECK (days BETWEEN 1 AND 3650),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The event log's partitions with their bounds, read from the catalog.
CREATE VIEW vigil_event_partitions AS
SELECT c.relname::text AS name, b[1]::timestamptz AS from_at, b[2]::timestamptz AS to_at
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\) TO \(''([^'']*)''\)') AS b
WHERE i.inhparent = 'events'::regclass;

-- Creates the day partition holding `at` (UTC day) when no partition holds it yet (an older month
-- partition may), with the same refusals as its parent; returns the partition that holds it.
CREATE OR REPLACE FUNCTION vigil_ensure_event_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    day_start timestamptz := date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    day_end timestamptz := (date_trunc('day', at AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC';
    partition_name text := 'events_' || to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY"m"MM"d"DD');
    existing text;
BEGIN
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN partition_name;
    END IF;
    SELECT p.name INTO existing FROM vigil_event_partitions p WHERE p.from_at <= at AND at < p.to_at;
    IF existing IS NOT NULL THEN
        RETURN existing;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', partition_name, day_start, day_end);
    EXECUTE format('CREATE TRIGGER refuse_statement_change BEFORE UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_event_change()', partition_name);
    RETURN partition_name;
END
$$;

-- Month partitions made ahead of time and still empty give way to day partitions.
DO $$
DECLARE
    p record;
    has_rows boolean;
BEGIN
    FOR p IN SELECT name FROM vigil_event_partitions WHERE from_at > now() LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', p.name) INTO has_rows;
        IF NOT has_rows THEN
            EXECUTE format('DROP TABLE %I', p.name);
        END IF;
    END LOOP;
END
$$;

-- The instant before which `project`'s events are past its retention at `at`.
CREATE FUNCTION vigil_retention_cutoff(project bigint, default_days integer, at timestamptz) RETURNS timestamptz
    LANGUAGE sql STABLE
    RETURN at - make_interval(days => coalesce((SELECT r.days FROM project_retention r WHERE r.project_id = project), default_days));

-- What retention would remove now: each partition that holds rows past their project's retention
-- (whole partition: it ends before the project's cutoff), to `drop` (nothing in it is kept) or to
-- `compact` (`kept` lists the projects whose rows stay). Probes use the dedup index, which leads
-- with project_id; a partition still within every project's retention is not read at all.
CREATE FUNCTION vigil_retention_plan(default_days integer, at timestamptz)
RETURNS TABLE (partition_name text, from_at timestamptz, to_at timestamptz, action text, kept bigint[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    p record;
    expired_projects bigint[];
    kept_projects bigint[];
    has_expired boolean;
    has_kept boolean;
BEGIN
    FOR p IN SELECT v.name, v.from_at, v.to_at FROM vigil_event_partitions v WHERE v.to_at <= at ORDER BY v.from_at LOOP
        SELECT coalesce(array_agg(project_id) FILTER (WHERE cutoff >= p.to_at), '{}'),
               coalesce(array_agg(project_id) FILTER (WHERE cutoff < p.to_at), '{}')
        INTO expired_projects, kept_projects
        FROM (SELECT pr.project_id, vigil_retention_cutoff(pr.project_id, default_days, at) AS cutoff FROM projects pr) c;
        IF cardinality(kept_projects) = 0 THEN
            -- Past every project's retention; rows of unknown projects go with it.
            partition_name := p.name; from_at := p.from_at; to_at := p.to_at; action := 'drop'; kept := '{}';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF cardinality(expired_projects) = 0 THEN
            CONTINUE;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE project_id = ANY ($1))', p.name) INTO has_expired USING expired_projects;
        IF NOT has_expired THEN
            CONTINUE;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE project_id = ANY ($1))', p.name) INTO has_kept USING kept_projects;
        partition_name := p.name; from_at := p.from_at; to_at := p.to_at;
        action := CASE WHEN has_kept THEN 'compact' ELSE 'drop' END;
        kept := CASE WHEN has_kept THEN kept_projects ELSE '{}' END;
        RETURN NEXT;
    END LOOP;
END
$$;

-- Takes the append lock (so no append routes a row to a partition while it goes) and then the
-- log's table lock, waiting at most `lock_wait` for its readers (then fails, to be tried again):
-- appends stall at most that long, plus the removal itself.
CREATE FUNCTION vigil_take_log_for_removal(append_lock bigint, lock_wait interval) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(append_lock);
    PERFORM set_config('lock_timeout', (extract(epoch FROM lock_wait) * 1000)::bigint::text, true);
    LOCK TABLE events IN ACCESS EXCLUSIVE MODE;
END
$$;

-- Adds to the per-project counts (`project_ids`, `row_counts`) the rows of `partition_name`
-- appended after `high_water` (found through the seq index), of projects not in `kept_projects`.
CREATE FUNCTION vigil_add_late_rows(partition_name text, high_water bigint, counted_ids bigint[], counted_rows bigint[],
                                    kept_projects bigint[], OUT project_ids bigint[], OUT row_counts bigint[])
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT coalesce(array_agg(project_id ORDER BY project_id), ''{}''), coalesce(array_agg(n ORDER BY project_id), ''{}'') '
                   'FROM (SELECT project_id, sum(n)::bigint AS n FROM ('
                   '    SELECT * FROM unnest($1, $2) AS counted (project_id, n)'
                   '    UNION ALL'
                   '    SELECT project_id, count(*) FROM %I WHERE seq > $3 AND NOT (project_id = ANY (coalesce($4, ''{}''))) GROUP BY project_id'
                   ') a GROUP BY project_id) c', partition_name)
        INTO project_ids, row_counts USING counted_ids, counted_rows, high_water, kept_projects;
END
$$;

-- Drops partition `partition_name` of the log. The rows are counted first, without blocking
-- appends; then the append lock (`append_lock`, the appender's advisory lock) is taken so no
-- append can route a row to the partition while it goes, the rows that arrived meanwhile are
-- counted from the seq index, and the table is dropped. Waits at most `lock_wait` for readers of
-- the log to let go (then fails, to be tried again), so appends stall at most that long.
-- Returns what was removed: rows per project, as (project_id, rows) pairs, and bytes.
CREATE FUNCTION vigil_drop_event_partition(partition_name text, append_lock bigint, lock_wait interval,
                                           OUT project_ids bigint[], OUT row_counts bigint[], OUT bytes_freed bigint)
LANGUAGE plpgsql AS $$
DECLARE
    high_water bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM vigil_event_partitions v WHERE v.name = partition_name) THEN
        RAISE EXCEPTION 'no event partition %', partition_name USING ERRCODE = 'undefined_table';
    END IF;
    EXECUTE format('SELECT coalesce(max(seq), 0) FROM %I', partition_name) INTO high_water;
    EXECUTE format('SELECT coalesce(array_agg(project_id ORDER BY project_id), ''{}''), coalesce(array_agg(n ORDER BY project_id), ''{}'') '
                   'FROM (SELECT project_id, count(*) AS n FROM %I WHERE seq <= $1 GROUP BY project_id) c', partition_name)
        INTO project_ids, row_counts USING high_water;
    PERFORM vigil_take_log_for_removal(append_lock, lock_wait);
    SELECT r.project_ids, r.row_counts INTO project_ids, row_counts
    FROM vigil_add_late_rows(partition_name, high_water, project_ids, row_counts, NULL) r;
    bytes_freed := pg_total_relation_size(partition_name::regclass);
    EXECUTE format('DROP TABLE %I', partition_name);
END
$$;

-- Replaces partition `partition_name` with a copy holding only the rows of `kept_projects`. The
-- copy and its indexes are built without blocking appends (rows up to the partition's highest seq
-- at the start); then, holding the append lock and at most `lock_wait` for readers, the rows
-- appended since are copied, the old table is dropped and the copy attached in its place (its
-- CHECK constraint spares the attach a scan; its indexes match the parent's, so none is rebuilt).
CREATE FUNCTION vigil_compact_event_partition(partition_name text, kept_projects bigint[], append_lock bigint, lock_wait interval,
                                              OUT project_ids bigint[], OUT row_counts bigint[], OUT bytes_freed bigint)
LANGUAGE plpgsql AS $$
DECLARE
    bounds record;
    fresh text := partition_name || '_compact';
    high_water bigint;
    size_before bigint;
BEGIN
    SELECT v.from_at, v.to_at INTO bounds FROM vigil_event_partitions v WHERE v.name = partition_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no event partition %', partition_name USING ERRCODE = 'undefined_table';
    END IF;
    EXECUTE format('SELECT coalesce(max(seq), 0) FROM %I', partition_name) INTO high_water;
    EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', fresh);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE seq <= $1 AND project_id = ANY ($2)', fresh, partition_name)
        USING high_water, kept_projects;
    EXECUTE format('CREATE UNIQUE INDEX ON %I (project_id, dedup_key, occurred_at)', fresh);
    EXECUTE format('CREATE INDEX ON %I (seq)', fresh);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (occurred_at >= %L AND occurred_at < %L)',
                   fresh, fresh || '_bounds', bounds.from_at, bounds.to_at);

    EXECUTE format('SELECT coalesce(array_agg(project_id ORDER BY project_id), ''{}''), coalesce(array_agg(n ORDER BY project_id), ''{}'') '
                   'FROM (SELECT project_id, count(*) AS n FROM %I WHERE seq <= $1 AND NOT (project_id = ANY ($2)) GROUP BY project_id) c', partition_name)
        INTO project_ids, row_counts USING high_water, kept_projects;

    PERFORM vigil_take_log_for_removal(append_lock, lock_wait);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE seq > $1 AND project_id = ANY ($2)', fresh, partition_name)
        USING high_water, kept_projects;
    SELECT r.project_ids, r.row_counts INTO project_ids, row_counts
    FROM vigil_add_late_rows(partition_name, high_water, project_ids, row_counts, kept_projects) r;
    size_before := pg_total_relation_size(partition_name::regclass);
    EXECUTE format('DROP TABLE %I', partition_name);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', fresh, partition_name);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', partition_name, bounds.from_at, bounds.to_at);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', partition_name, fresh || '_bounds');
    EXECUTE format('CREATE TRIGGER refuse_statement_change BEFORE UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_event_change()', partition_name);
    bytes_freed := size_before - pg_total_relation_size(partition_name::regclass);
END
$$;

-- Appends one of Vigil's own facts inside the caller's statement, by the append protocol: the
-- append lock (`append_lock`) held to commit, the day's partition ensured, the sequence number
-- taken under the lock, readers notified. For a change and its audit event in one statement
-- (`PUT /api/v1/retention`). Returns the sequence number, NULL for a duplicate.
CREATE FUNCTION vigil_append_fact(project bigint, kind text, dedup_key bytea, body jsonb, append_lock bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    stored bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(append_lock);
    PERFORM vigil_ensure_event_partition(now());
    INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
    VALUES (project, nextval('event_seq'), kind, now(), now(), dedup_key, body)
    ON CONFLICT DO NOTHING
    RETURNING seq INTO stored;
    IF stored IS NOT NULL THEN
        PERFORM pg_notify('vigil_events', stored::text);
    END IF;
    RETURN stored;
END
$$;
