-- Budgets (the Cost management issue): a project's spending limit in US dollars, per UTC day or
-- calendar month (UTC), for the whole project, one service or one (normalised) model. Spend is
-- read from the rollups (exact `numeric` cost), so a budget needs no projection of its own and a
-- `vigil replay rollup` that reprices history reprices every budget's spend with it.
-- Per-key budgets are not offered yet: the rollups do not record which key sent a span.
CREATE TABLE budgets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (project_id),
    scope_kind text NOT NULL CHECK (scope_kind IN ('project', 'service', 'model')),
    -- '' for the whole project; the service's name, or the model's normal form.
    scope_value text NOT NULL,
    period text NOT NULL CHECK (period IN ('day', 'month')),
    amount_usd numeric NOT NULL CHECK (amount_usd > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope_kind = 'project') = (scope_value = ''))
);

CREATE INDEX budgets_project_idx ON budgets (project_id, id);
