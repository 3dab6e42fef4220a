-- LLM calls apart from other spans: every rollup tier gains a `kind` column in its primary key —
-- llm (a GenAI operation that calls a model: chat, text_completion, generate_content, embeddings,
-- or a span naming a model without an operation), tool (execute_tool; OpenInference TOOL and
-- RETRIEVER), agent (invoke_agent, create_agent; OpenInference AGENT) or other (everything else:
-- HTTP requests, OpenInference CHAIN …). Until now an app's request spans were counted as calls of
-- model "" and their durations mixed into the calls' latency. Readers and rules read kind = 'llm'
-- unless asked for another kind.
--
-- The stored rows cannot be split by kind, so, as in 0005 and 0013, the rollup processor's offset
-- goes back to zero and it rebuilds its projections from the log when Vigil starts.

DO $$
DECLARE
    tier text;
    bucket text;
    pkey text;
BEGIN
    FOR tier, bucket IN VALUES ('rollup_minute', 'minute'), ('rollup_ten_minute', 'ten_minute'),
                               ('rollup_hour', 'hour'), ('rollup_day', 'day') LOOP
        SELECT conname INTO STRICT pkey FROM pg_constraint
        WHERE conrelid = tier::regclass AND contype = 'p';
        EXECUTE format('ALTER TABLE %I ADD COLUMN kind text NOT NULL DEFAULT ''other''', tier);
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', tier, pkey);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (project_id, %I, service, model, operation, status, kind)',
                       tier, tier || '_pkey', bucket);
    END LOOP;
END
$$;

TRUNCATE rollup_minute, rollup_ten_minute, rollup_hour, rollup_day,
         quality_minute, quality_ten_minute, quality_hour, quality_day, trace_summary, unpriced_models;
UPDATE consumer_offsets SET seq = 0, resets = resets + 1, updated_at = now() WHERE consumer = 'rollup';
