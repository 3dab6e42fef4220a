-- The built-in output checks move from quality rows (check.empty_output, check.refusal,
-- check.truncated and check.invalid_json: four rows per minute × service × model) into columns of
-- the rollup rows, in every tier. The readers still report them as those four quality names; the
-- quality tables keep the evaluations. A third of the rows the rollup processor wrote were check
-- rows: this is the rollup processor's largest write.
--
-- checked_outputs: LLM spans that carry output, each checked for the first three problems;
-- json_outputs: those of them that asked for JSON output, checked for the fourth.
-- The stored check rows cannot be split by operation and status, so, as in 0005, the processor's
-- offset goes back to zero and it rebuilds its projections from the log when Vigil starts.

DO $$
DECLARE
    tier text;
BEGIN
    FOREACH tier IN ARRAY ARRAY['rollup_minute', 'rollup_ten_minute', 'rollup_hour', 'rollup_day'] LOOP
        EXECUTE format(
            'ALTER TABLE %I '
            'ADD COLUMN checked_outputs bigint NOT NULL DEFAULT 0, '
            'ADD COLUMN empty_outputs bigint NOT NULL DEFAULT 0, '
            'ADD COLUMN refusals bigint NOT NULL DEFAULT 0, '
            'ADD COLUMN truncated_outputs bigint NOT NULL DEFAULT 0, '
            'ADD COLUMN json_outputs bigint NOT NULL DEFAULT 0, '
            'ADD COLUMN invalid_json_outputs bigint NOT NULL DEFAULT 0',
            tier);
    END LOOP;
END
$$;

TRUNCATE rollup_minute, rollup_ten_minute, rollup_hour, rollup_day,
         quality_minute, quality_ten_minute, quality_hour, quality_day, trace_summary, unpriced_models;
UPDATE consumer_offsets SET seq = 0, resets = resets + 1, updated_at = now() WHERE consumer = 'rollup';
