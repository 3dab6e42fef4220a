-- Per-trace summaries for trace search, kept by the rollup processor beside the minute rollups:
-- the root span, how many spans and LLM calls, errors, tokens and exact cost across the whole
-- trace (an agent or chain and every call inside it), the models and services it touched.

CREATE TABLE trace_summary (
    project_id bigint NOT NULL,
    trace_id text NOT NULL,
    start_time timestamptz NOT NULL,
    end_time timestamptz NOT NULL,
    root_name text,
    root_service text,
    span_count bigint NOT NULL,
    llm_calls bigint NOT NULL,
    error_count bigint NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cost_usd numeric NOT NULL,
    unpriced bigint NOT NULL,
    models text[] NOT NULL,
    services text[] NOT NULL,
    PRIMARY KEY (project_id, trace_id)
);

CREATE INDEX trace_summary_recent_idx ON trace_summary (project_id, start_time DESC, trace_id);
