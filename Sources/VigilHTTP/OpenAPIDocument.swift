/// The OpenAPI 3.1 description of Vigil's HTTP interface, served at `/openapi.json`.
enum OpenAPIDocument {
    static let json = """
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Vigil",
        "version": "0.1.0",
        "description": "Monitoring and alerting for LLM applications. OTLP/HTTP collectors and the query API."
      },
      "components": {
        "securitySchemes": {
          "apiKey": {"type": "http", "scheme": "bearer", "description": "A Vigil API key (vgl_…), made by `vigil keys create`. Project keys act in their own project only: ingest (telemetry), read (GET only), operate (read, plus silences, baseline pins, drift reports now, notification retries), admin (all of those, plus dashboards import and delete). Operator keys belong to the instance: rule reload and the full rules and receivers list, no project data. A key whose role lacks the permission gets 403; another project's object is a 404, as a missing one."}
        },
        "schemas": {
          "Error": {
            "type": "object",
            "properties": {
              "error": {
                "type": "object",
                "properties": {
                  "code": {"type": "string"},
                  "message": {"type": "string"},
                  "request_id": {"type": "string"}
                },
                "required": ["code", "message", "request_id"]
              }
            }
          },
          "Event": {
            "type": "object",
            "properties": {
              "seq": {"type": "integer"},
              "project_id": {"type": "integer"},
              "kind": {"type": "string", "enum": ["span", "metric_point", "log_record", "project_created", "key_created", "key_revoked"]},
              "occurred_at": {"type": "string", "format": "date-time"},
              "received_at": {"type": "string", "format": "date-time"},
              "body": {"type": "object"}
            },
            "required": ["seq", "project_id", "kind", "occurred_at", "received_at", "body"]
          }
        }
      },
      "paths": {
        "/v1/traces": {"post": {"summary": "OTLP/HTTP trace export (roles: ingest, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/x-protobuf": {}, "application/json": {}}}, "responses": {"200": {"description": "ExportTraceServiceResponse, with partial_success when spans were refused"}, "400": {"description": "undecodable body"}, "401": {"description": "no valid key"}, "403": {"description": "key without the ingest role"}, "413": {"description": "body over the limit, compressed or inflated"}, "415": {"description": "content type or encoding not accepted"}, "503": {"description": "busy; retry after Retry-After seconds"}}}},
        "/v1/metrics": {"post": {"summary": "OTLP/HTTP metrics export (roles: ingest, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/x-protobuf": {}, "application/json": {}}}, "responses": {"200": {"description": "ExportMetricsServiceResponse"}, "400": {"description": "undecodable body"}, "401": {"description": "no valid key"}, "403": {"description": "wrong role"}, "413": {"description": "too large"}, "415": {"description": "unsupported media type"}, "503": {"description": "busy"}}}},
        "/v1/logs": {"post": {"summary": "OTLP/HTTP logs export (roles: ingest, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/x-protobuf": {}, "application/json": {}}}, "responses": {"200": {"description": "ExportLogsServiceResponse"}, "400": {"description": "undecodable body"}, "401": {"description": "no valid key"}, "403": {"description": "wrong role"}, "413": {"description": "too large"}, "415": {"description": "unsupported media type"}, "503": {"description": "busy"}}}},
        "/api/v1/events": {
          "get": {
            "summary": "The caller's project's events after a sequence number, in order (roles: read, operate, admin)",
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            ],
            "responses": {
              "200": {"description": "events and the cursor for the next page", "content": {"application/json": {"schema": {"type": "object", "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}, "next_after": {"type": "integer"}}}}}},
              "400": {"description": "bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "401": {"description": "no valid key"},
              "403": {"description": "a key whose role is not read, operate or admin"}
            }
          }
        },
        "/api/v1/summary": {
          "get": {
            "summary": "Per group: count, errors, error rate, latency and time-to-first-token percentiles, tokens and exact cost, from the minute rollups (roles: read, operate, admin)",
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "from", "in": "query", "description": "RFC 3339 time or Unix milliseconds; default: an hour before to. Minutes that start in [from, to) are included.", "schema": {"type": "string"}},
              {"name": "to", "in": "query", "description": "RFC 3339 time or Unix milliseconds; default: now", "schema": {"type": "string"}},
              {"name": "service", "in": "query", "schema": {"type": "string"}},
              {"name": "model", "in": "query", "description": "matched after normalisation (date suffixes, provider prefixes)", "schema": {"type": "string"}},
              {"name": "group_by", "in": "query", "description": "comma-separated: service, model, operation, status", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "the groups", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"},
                "group_by": {"type": "array", "items": {"type": "string"}},
                "groups": {"type": "array", "items": {"type": "object", "properties": {
                  "count": {"type": "integer"}, "errors": {"type": "integer"}, "error_rate": {"type": "number"}, "clock_skewed": {"type": "integer"},
                  "latency_ms": {"type": ["object", "null"], "properties": {"p50": {"type": "number"}, "p90": {"type": "number"}, "p95": {"type": "number"}, "p99": {"type": "number"}}},
                  "ttft_ms": {"type": ["object", "null"], "properties": {"p50": {"type": "number"}, "p90": {"type": "number"}, "p95": {"type": "number"}, "p99": {"type": "number"}}},
                  "input_tokens": {"type": "integer"}, "output_tokens": {"type": "integer"}, "cost_usd": {"type": "number"}, "unpriced_calls": {"type": "integer"},
                  "quality": {"type": "object", "description": "mean score by evaluation or built-in check name (null when only labels); evaluations in groupings by service and model only, the checks (check.empty_output, check.refusal, check.truncated, check.invalid_json) in every grouping", "additionalProperties": {"type": ["number", "null"]}},
                  "quality_counts": {"type": "object", "additionalProperties": {"type": "integer"}}}}}}}}}},
              "400": {"description": "bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/api/v1/evaluations": {
          "post": {
            "summary": "Evaluations of LLM outputs: one object, an array, or {evaluations: [...]}, at most 1000 (roles: ingest, admin)",
            "security": [{"apiKey": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
              "trace_id": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$"}, "span_id": {"type": "string", "pattern": "^[0-9a-fA-F]{16}$"},
              "name": {"type": "string"}, "value": {"type": ["number", "boolean", "string"]}, "evaluator": {"type": "string"},
              "comment": {"type": "string"}, "time": {"type": ["string", "integer"], "description": "RFC 3339 or Unix ms; receipt time when absent"}},
              "required": ["trace_id", "name", "value"]}}}},
            "responses": {"200": {"description": "{accepted: N}, after commit"}, "400": {"description": "names the evaluation and field"}, "415": {"description": "not JSON"}}
          }
        },
        "/api/v1/timeseries": {
          "get": {
            "summary": "One metric per step-long bucket, from the minute rollups (roles: read, operate, admin)",
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "metric", "in": "query", "required": true, "schema": {"type": "string", "enum": ["count", "errors", "error_rate", "clock_skewed", "latency_p50", "latency_p90", "latency_p95", "latency_p99", "ttft_p50", "ttft_p90", "ttft_p95", "ttft_p99", "input_tokens", "output_tokens", "cost_usd", "unpriced_calls"]}},
              {"name": "step", "in": "query", "description": "whole minutes: 1m, 5m, 1h, 1d or seconds; default 1m", "schema": {"type": "string"}},
              {"name": "from", "in": "query", "schema": {"type": "string"}},
              {"name": "to", "in": "query", "schema": {"type": "string"}},
              {"name": "service", "in": "query", "schema": {"type": "string"}},
              {"name": "model", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "metric, step_seconds and points [{t, value}]; value null where undefined"}, "400": {"description": "bad parameter"}}
          }
        },
        "/api/v1/traces": {
          "get": {
            "summary": "Trace search over per-trace summaries, newest first (roles: read, operate, admin)",
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "from", "in": "query", "description": "RFC 3339 or Unix ms; default: a day before to", "schema": {"type": "string"}},
              {"name": "to", "in": "query", "description": "RFC 3339 or Unix ms; default: now", "schema": {"type": "string"}},
              {"name": "service", "in": "query", "schema": {"type": "string"}},
              {"name": "model", "in": "query", "schema": {"type": "string"}},
              {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["ok", "error"]}},
              {"name": "min_latency_ms", "in": "query", "schema": {"type": "number", "minimum": 0}},
              {"name": "min_cost_usd", "in": "query", "schema": {"type": "string"}},
              {"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}
            ],
            "responses": {"200": {"description": "traces (trace_id, start, duration_ms, root_name, root_service, span_count, llm_calls, errors, error, input_tokens, output_tokens, cost_usd, unpriced_calls, models, services) and next_cursor"}, "400": {"description": "bad parameter"}}
          }
        },
        "/api/v1/traces/{trace_id}": {
          "get": {
            "summary": "One trace: its summary and the span tree with every attribute (roles: read, operate, admin)",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "trace_id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$"}}],
            "responses": {"200": {"description": "trace_id, span_count, summary, spans (each with children)"}, "400": {"description": "not a trace id"}, "404": {"description": "no such trace in the key's project"}}
          }
        },
        "/api/v1/models/unpriced": {"get": {"summary": "Models called without a price in the price table (roles: read, operate, admin)", "security": [{"apiKey": []}], "responses": {"200": {"description": "models, most called first"}}}},
        "/api/v1/embeddings": {"post": {"summary": "Embedding vectors of a drift feature (roles: ingest, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"feature": {"type": "string"}, "model": {"type": "string"}, "time": {"type": ["string", "integer"], "description": "RFC 3339 or Unix ms; receipt time when absent"}, "trace_id": {"type": "string"}, "span_id": {"type": "string"}, "vectors": {"type": "array", "items": {"oneOf": [{"type": "array", "items": {"type": "number"}}, {"type": "string", "description": "base64 of little-endian float32"}]}}, "embeddings": {"type": "array", "items": {"type": "object", "properties": {"vector": {}, "time": {}, "trace_id": {"type": "string"}, "span_id": {"type": "string"}, "text": {"type": "string"}}}}}, "required": ["feature"]}}}}, "responses": {"200": {"description": "{accepted, feature, dimension}, after commit"}, "400": {"description": "names the vector and what is wrong (NaN, empty, dimension)"}, "415": {"description": "not JSON"}}}},
        "/api/v1/drift/compute": {"post": {"summary": "A drift report between a reference and a current window, neither stored nor logged (roles: read, operate, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"feature": {"type": "string"}, "reference": {"type": "object", "description": "{from, to} or {last: N}"}, "current": {"type": "object", "description": "{from, to}"}, "threshold": {"type": "number"}}, "required": ["feature", "reference", "current"]}}}}, "responses": {"200": {"description": "feature, reference, current, report (components with edges and both proportions, psi/kl/js, means, centroid distances, noise_floor, p_value, drifted)"}, "400": {"description": "bad window, unknown feature or too few samples"}}}},
        "/api/v1/drift/baselines": {"post": {"summary": "Pin a feature's reference window (roles: operate, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"feature": {"type": "string"}, "from": {}, "to": {}, "last": {"type": "integer", "minimum": 100}}, "required": ["feature"]}}}}, "responses": {"200": {"description": "feature, from, to, last_n"}, "400": {"description": "bad window"}}}},
        "/api/v1/drift/reports": {"get": {"summary": "Stored drift reports, newest first (roles: read, operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "feature", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "reports: id, feature, computed_at, reference, current, psi_mean, psi_max, drifted"}}}, "post": {"summary": "A feature's drift report now, against its pinned baseline and the scheduler's current window (VIGIL_DRIFT_WINDOW), stored like a scheduled one (roles: operate, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"feature": {"type": "string"}}, "required": ["feature"]}}}}, "responses": {"201": {"description": "the stored report: id, feature, computed_at, reference, current, psi_mean, psi_max, drifted, report"}, "400": {"description": "no feature, no pinned baseline, or too few samples in a window"}}}},
        "/api/v1/drift/reports/{id}": {"get": {"summary": "One stored drift report in full (roles: read, operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "the headline and report"}, "404": {"description": "no such report in the key's project"}}}},
        "/api/v1/alerts": {"get": {"summary": "Pending and firing alerts (roles: read, operate, admin)", "security": [{"apiKey": []}], "responses": {"200": {"description": "alerts: rule, state, labels, value, active_at, fired_at"}}}},
        "/api/v1/alerts/history": {"get": {"summary": "Alert transitions, newest first (roles: read, operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "from", "in": "query", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}], "responses": {"200": {"description": "transitions: rule, fingerprint, labels, from, to, at, value"}}}},
        "/api/v1/rules": {"get": {"summary": "The rules in force with their state, last evaluation and last error. Roles read, operate and admin see the rules that apply to their project, receivers by name only; role operator sees every rule with its projects (null: every project), the alert counts of every project, and receivers in full: url, headers, secret_env (roles: read, operate, admin, operator)", "security": [{"apiKey": []}], "responses": {"200": {"description": "rules: name, metric, comparison, threshold, windows, for, severity, receivers, alerts, last_evaluation, last_error (and projects for the operator); receivers (the operator only)"}, "403": {"description": "an ingest key"}}}},
        "/api/v1/rules/reload": {"post": {"summary": "Re-read the rule files, for every project (role: operator)", "security": [{"apiKey": []}], "responses": {"200": {"description": "{rules, receivers}"}, "400": {"description": "the files' problems; the rules in force are unchanged"}}}},
        "/api/v1/silences": {"get": {"summary": "The project's silences in force, to come, or ended in the last day (roles: read, operate, admin)", "security": [{"apiKey": []}], "responses": {"200": {"description": "silences: id, matchers, startsAt, endsAt, comment, createdBy, state"}}}, "post": {"summary": "Silence the project's alerts whose labels match, until endsAt (roles: operate, admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"matchers": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "isRegex": {"type": "boolean"}, "isEqual": {"type": "boolean"}}, "required": ["name", "value"]}}, "startsAt": {"type": "string"}, "endsAt": {"type": "string"}, "comment": {"type": "string"}, "createdBy": {"type": "string"}}, "required": ["matchers", "endsAt", "comment"]}}}}, "responses": {"200": {"description": "{id}"}, "400": {"description": "what is wrong with the silence"}}}},
        "/api/v1/silences/{id}": {"delete": {"summary": "Expire one of the project's silences now (roles: operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "{id, state: expired}"}, "404": {"description": "no such silence in force or to come in this project"}}}},
        "/api/v1/notifications": {"get": {"summary": "Notification deliveries and dead letters (roles: read, operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "delivered", "dead"]}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}], "responses": {"200": {"description": "notifications: id, delivery_id, receiver, alert_status, status, attempts, times, last_error"}}}},
        "/api/v1/notifications/{id}/retry": {"post": {"summary": "Send a pending or dead notification again now (roles: operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "{id, status: pending}"}, "404": {"description": "no such notification"}}}},
        "/api/v1/dashboards": {"get": {"summary": "The shipped dashboards and the project's imported ones (roles: read, operate, admin)", "security": [{"apiKey": []}], "responses": {"200": {"description": "dashboards: uid, title, tags, source (shipped or imported), version, imported_at, panels, export_url"}}}},
        "/api/v1/dashboards/{uid}/export": {"get": {"summary": "A dashboard in Grafana's JSON model; with with_data=true each panel's query results for the range are embedded as snapshotData, read in a sandbox of the key's project (roles: read, operate, admin)", "security": [{"apiKey": []}], "parameters": [{"name": "uid", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "with_data", "in": "query", "schema": {"type": "boolean"}}, {"name": "from", "in": "query", "description": "RFC 3339, Unix ms or now-6h; default the dashboard's time.from", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}}, {"name": "var-NAME", "in": "query", "description": "a template variable's value, repeatable; All for every value", "schema": {"type": "string"}}], "responses": {"200": {"description": "the dashboard JSON (with vigilExport: exportedAt, from, to, projectId, variables, errors)"}, "400": {"description": "a bad parameter, named"}, "403": {"description": "var-project of another project"}, "404": {"description": "no such dashboard"}, "503": {"description": "the sandbox role is missing"}}}},
        "/api/v1/dashboards/import": {"post": {"summary": "Store a team's dashboard: the dashboard JSON, or {dashboard, overwrite} (role: admin)", "security": [{"apiKey": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}, "responses": {"201": {"description": "imported"}, "200": {"description": "replaced (overwrite: true)"}, "400": {"description": "not a dashboard, or SQL the sandbox refuses; the message names where"}, "409": {"description": "a shipped uid, or an existing uid without overwrite"}}}},
        "/api/v1/dashboards/{uid}": {"delete": {"summary": "Delete an imported dashboard (role: admin)", "security": [{"apiKey": []}], "parameters": [{"name": "uid", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"204": {"description": "deleted"}, "404": {"description": "no imported dashboard with that uid"}, "409": {"description": "a shipped dashboard"}}}},
        "/healthz": {"get": {"summary": "The process answers", "responses": {"200": {"description": "ok"}}}},
        "/readyz": {"get": {"summary": "The database answers", "responses": {"200": {"description": "ready"}, "503": {"description": "database unreachable"}}}},
        "/metrics": {"get": {"summary": "Prometheus metrics about Vigil itself", "responses": {"200": {"description": "Prometheus text format"}}}}
      }
    }
    """
}
