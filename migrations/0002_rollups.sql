-- The rollup processor's projections: per project × minute × service × model × operation × status,
-- counts, tokens, exact cost and mergeable latency sketches; and the models seen without a price.
-- Both are rebuilt from the log by `vigil replay rollup`.

CREATE TABLE rollup_minute (
    project_id bigint NOT NULL,
    minute timestamptz NOT NULL,
    service text NOT NULL,
    model text NOT NULL,
    operation text NOT NULL,
    status text NOT NULL,
    count bigint NOT NULL,
    errors bigint NOT NULL,
    -- spans whose end is before their start: counted, kept out of the latency sketch
    skewed bigint NOT NULL,
    latency_sketch bytea NOT NULL,
    ttft_sketch bytea NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    -- exact dollars of the priced calls; calls of models without a price are counted in unpriced
    cost_usd numeric NOT NULL,
    unpriced bigint NOT NULL,
    PRIMARY KEY (project_id, minute, service, model, operation, status)
);

CREATE TABLE unpriced_models (
    project_id bigint NOT NULL,
    model text NOT NULL,
    provider text NOT NULL,
    calls bigint NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (project_id, model, provider)
);
