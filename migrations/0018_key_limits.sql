-- Rate limits and quotas per key (the Governance issue). A key's own limits are columns of
-- api_keys; a project's defaults, used for each limit a key does not set itself, are a row of
-- project_limits. NULL is no limit (a key's NULL falls back to its project's). Rates are per second;
-- the spend quota is dollars of priced LLM calls per UTC day, counted from the rollups.

ALTER TABLE api_keys
    ADD COLUMN requests_per_second double precision CHECK (requests_per_second > 0),
    ADD COLUMN bytes_per_second double precision CHECK (bytes_per_second > 0),
    ADD COLUMN items_per_second double precision CHECK (items_per_second > 0),
    ADD COLUMN spend_usd_per_day numeric CHECK (spend_usd_per_day > 0);

CREATE TABLE project_limits (
    project_id bigint PRIMARY KEY REFERENCES projects (project_id),
    requests_per_second double precision CHECK (requests_per_second > 0),
    bytes_per_second double precision CHECK (bytes_per_second > 0),
    items_per_second double precision CHECK (items_per_second > 0),
    spend_usd_per_day numeric CHECK (spend_usd_per_day > 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
