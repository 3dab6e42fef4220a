-- Silences and drift reports become projections of the log (the Architecture issue): each one is
-- an event first (`silence_created`, `silence_expired`, `drift_report`), and the `silences` and
-- `drift_reports` processors own the tables, so `vigil replay` rebuilds them. A row's id is its
-- event's sequence number, the same live and replayed.

-- Silences made before this migration have no event: each gets its `silence_created` now (as of
-- when it was made, with the end it has now) and takes that event's sequence number as its id.
-- (Ids move out of the way first, so a new id never meets an old one.)
UPDATE silences SET id = -id;
DO $$
DECLARE
    s record;
    stored bigint;
BEGIN
    FOR s IN SELECT * FROM silences ORDER BY project_id, id DESC LOOP  -- ids are negated: oldest first
        PERFORM vigil_ensure_event_partition(s.created_at);
        stored := nextval('event_seq');
        INSERT INTO events (project_id, seq, kind, occurred_at, received_at, dedup_key, body)
        VALUES (s.project_id, stored, 'silence_created', s.created_at, now(),
                decode(md5('silence-0022-' || s.project_id || '-' || (-s.id)), 'hex'),
                jsonb_build_object('matchers', s.matchers, 'starts_us', vigil_us(s.starts_at), 'ends_us', vigil_us(s.ends_at),
                                   'comment', s.comment, 'created_by', s.created_by));
        UPDATE silences SET id = stored WHERE project_id = s.project_id AND id = s.id;
    END LOOP;
END
$$;
ALTER TABLE silences ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE IF EXISTS silences_id_seq;

-- Every stored drift report was appended as a `drift_report` event in the same transaction as its
-- row: the row takes that event's sequence number as its id.
UPDATE drift_reports SET id = -id;
UPDATE drift_reports r SET id = e.seq
FROM events e
WHERE e.kind = 'drift_report' AND e.project_id = r.project_id
  AND e.body->>'feature' = r.feature AND vigil_ts((e.body->>'computed_us')::bigint) = r.computed_at;
UPDATE drift_reports SET id = -id WHERE id < 0;
ALTER TABLE drift_reports ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE IF EXISTS drift_reports_id_seq;

-- The processors that project the log's few control events (audit, drift reports, silences) find
-- a batch's ones without reading the spans and points around them.
CREATE INDEX events_control_seq_idx ON events (seq)
    WHERE kind IN ('audit', 'drift_report', 'silence_created', 'silence_expired');
