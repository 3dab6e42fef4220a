-- Output quality, per project × minute × service × model × name: evaluations (the API,
-- gen_ai.evaluation.* span attributes, gen_ai.evaluation.result span events and log records) and
-- Vigil's built-in checks on LLM output (check.empty_output, check.refusal, check.truncated,
-- check.invalid_json; score 1 when the problem is present). Kept by the rollup processor.

CREATE TABLE quality_minute (
    project_id bigint NOT NULL,
    minute timestamptz NOT NULL,
    service text NOT NULL,
    model text NOT NULL,
    name text NOT NULL,
    count bigint NOT NULL,
    -- evaluations with a numeric (or true/false) score, and the exact sum of those scores
    scored bigint NOT NULL,
    score_sum numeric NOT NULL,
    PRIMARY KEY (project_id, minute, service, model, name)
);
