-- Dashboards a project's admin imported (POST /api/v1/dashboards/import); the shipped ones are
-- the files of dashboards/ and are not stored.
CREATE TABLE dashboards (
    project_id bigint NOT NULL REFERENCES projects (project_id),
    uid text NOT NULL,
    title text NOT NULL,
    body jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    imported_at timestamptz NOT NULL DEFAULT now(),
    imported_by_key bigint,
    PRIMARY KEY (project_id, uid)
);

-- The sandbox an export with data runs panels' SQL in: a role that may only read the projection
-- tables, and there only the rows of the project named by the transaction's
-- vigil.dashboard_project setting (a restrictive row-level policy; every other role keeps seeing
-- every row through a permissive one, so a Grafana data source's read-only role is unaffected,
-- and the owner Vigil writes as bypasses row security). Needs CREATEROLE; without it the export
-- of data says so and everything else works.
DO $$
DECLARE
    projection text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_dashboard_reader') THEN
        BEGIN
            CREATE ROLE vigil_dashboard_reader NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'cannot create the role vigil_dashboard_reader: dashboard exports with data are unavailable';
            RETURN;
        END;
    END IF;
    BEGIN
        EXECUTE format('GRANT vigil_dashboard_reader TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
        RAISE NOTICE 'cannot grant vigil_dashboard_reader to %: dashboard exports with data are unavailable', current_user;
        RETURN;
    END;
    FOREACH projection IN ARRAY ARRAY[
        'projects', 'rollup_minute', 'rollup_ten_minute', 'rollup_hour', 'rollup_day',
        'quality_minute', 'quality_ten_minute', 'quality_hour', 'quality_day', 'unpriced_models',
        'trace_summary', 'alert_states', 'silences', 'drift_samples', 'embedding_features',
        'drift_baselines', 'drift_reports'
    ] LOOP
        EXECUTE format('GRANT SELECT ON %I TO vigil_dashboard_reader', projection);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', projection);
        EXECUTE format('CREATE POLICY vigil_everyone ON %I USING (true)', projection);
        EXECUTE format(
            'CREATE POLICY vigil_dashboard_project ON %I AS RESTRICTIVE TO vigil_dashboard_reader '
            'USING (project_id = nullif(current_setting(''vigil.dashboard_project'', true), '''')::bigint)',
            projection);
    END LOOP;
END
$$;
