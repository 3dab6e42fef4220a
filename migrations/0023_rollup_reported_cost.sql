-- The cost an app sends with its calls (LiteLLM's gen_ai.usage.cost, OpenInference's
-- llm.cost.total) beside Vigil's own: every rollup tier counts the calls that carry both, the
-- app's sum and Vigil's sum for those same calls, so the summary compares the two per group.
-- (Where the model has no price, the app's cost is the call's cost_usd, as before this column.)
-- Rows written before this migration count no such calls; `vigil replay rollup` fills them in.

DO $$
DECLARE
    tier text;
BEGIN
    FOREACH tier IN ARRAY ARRAY['rollup_minute', 'rollup_ten_minute', 'rollup_hour', 'rollup_day'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN reported_calls bigint NOT NULL DEFAULT 0', tier);
        EXECUTE format('ALTER TABLE %I ADD COLUMN reported_cost_usd numeric NOT NULL DEFAULT 0', tier);
        EXECUTE format('ALTER TABLE %I ADD COLUMN reported_vigil_cost_usd numeric NOT NULL DEFAULT 0', tier);
    END LOOP;
END
$$;
