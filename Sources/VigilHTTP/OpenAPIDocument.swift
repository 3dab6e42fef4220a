/// The OpenAPI 3.1 description of Vigil's HTTP interface, served at `/openapi.json`: every route
/// the router serves, with its parameters (types and ranges as the controllers check them), its
/// request body, its responses (the 200's schema and the error shape `ErrorResponder` writes) and the
/// key roles that may call it (`x-vigil-roles`, empty for the open routes). `OpenAPIDocumentTests`
/// compares it with `router.routes` and with `RoleMatrixTests.matrix` in both directions, and
/// `Tests/e2e/test_schemathesis.py` fuzzes the server against it, so it cannot drift.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Vigil",
        "version": "0.1.0",
        "description": "Monitoring and alerting for LLM applications: the OTLP/HTTP collectors and the query, operation and administration API. Every operation names the key roles that may call it in x-vigil-roles (empty: no key needed); any other role gets 403. Errors are {\"error\": {\"code\", \"message\", \"request_id\"}} (on the OTLP paths a google.rpc.Status); a 5xx never carries an error's text, only the request id."
      },
      "security": [{"apiKey": []}],
      "components": {
        "securitySchemes": {
          "apiKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "A Vigil API key (vgl_…), made by `vigil keys create`. Project keys act in their own project only: ingest (telemetry), read (GET only), operate (read, plus silences, baseline pins, drift reports now, notification retries), admin (all of those, plus dashboards import and delete). Operator keys belong to the instance: rule reload and the full rules and receivers list, no project data. No key, or a malformed, unknown or revoked one, is 401; a key whose role lacks the permission gets 403; another project's object is a 404, as a missing one."
          }
        },
        "headers": {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string", "pattern": "^[0-9]+$"}}},
        "responses": {
          "BadRequest": {
            "description": "a bad parameter or body, named in the message (a parameter's text holding U+0000 or longer than 1024 characters included)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "Unauthorized": {
            "description": "no key, or a malformed, unknown or revoked one",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "Forbidden": {"description": "a key whose role may not do this", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotFound": {"description": "no such object in the key's project", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooLarge": {"description": "the body is larger than the server accepts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "UnsupportedMediaType": {"description": "the body is not application/json", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unavailable": {
            "description": "busy, or the database does not answer; retry after Retry-After seconds",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
          }
        },
        "schemas": {
            "GuardText": {
              "type": "object",
              "properties": {
                "redacted": {"type": "string"},
                "pii": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}}}},
                "signals": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}, "detail": {"type": "string"}}}}
              }
            },
          "Error": {
            "type": "object",
            "properties": {
              "error": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "description": "invalid_input, unauthenticated, forbidden, not_found, conflict, too_large, unsupported_media_type, overloaded, unavailable, internal, …"
                  },
                  "message": {"type": "string", "description": "what was wrong, for a person; a 5xx names only the request id"},
                  "request_id": {"type": "string", "description": "the X-Request-Id header's value; quote it when reporting a problem"}
                },
                "required": ["code", "message", "request_id"]
              }
            },
            "required": ["error"]
          },
          "Event": {
            "type": "object",
            "properties": {
              "seq": {"type": "integer"},
              "project_id": {"type": "integer"},
              "kind": {
                "type": "string",
                "description": "span, metric_point, log_record, evaluation, embedding, project_created, key_created, key_revoked, drift_baseline_pinned, alert and notification facts, …"
              },
              "occurred_at": {"type": "string"},
              "received_at": {"type": "string"},
              "body": {"type": "object"}
            },
            "required": ["seq", "project_id", "kind", "occurred_at", "received_at", "body"]
          },
          "Time": {
            "anyOf": [{"type": "string", "format": "date-time", "maxLength": 64}, {"type": "integer", "minimum": 0, "maximum": 253402300799999}],
            "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z"
          },
          "EvaluationInput": {
            "type": "object",
            "properties": {
              "trace_id": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$", "description": "32 hex digits, not all zero"},
              "span_id": {"type": "string", "pattern": "^[0-9a-fA-F]{16}$"},
              "name": {"type": "string", "minLength": 1, "maxLength": 200},
              "value": {
                "anyOf": [
                  {"type": "number", "minimum": -1000000000000000.0, "maximum": 1000000000000000.0},
                  {"type": "boolean"},
                  {"type": "string", "minLength": 1, "maxLength": 200}
                ],
                "description": "a score (-1e15 to 1e15), true/false, or a label"
              },
              "evaluator": {"type": "string", "maxLength": 10000},
              "comment": {"type": "string", "maxLength": 10000},
              "time": {"$ref": "#/components/schemas/Time", "description": "receipt time when absent"}
            },
            "required": ["trace_id", "name", "value"]
          },
          "Vector": {
            "anyOf": [
              {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 16384},
              {"type": "string", "contentEncoding": "base64", "description": "base64 of little-endian float32"}
            ]
          },
          "TraceSummary": {
            "type": "object",
            "properties": {
              "trace_id": {"type": "string"},
              "start": {"type": "string"},
              "duration_ms": {"type": "number"},
              "root_name": {"type": ["string", "null"]},
              "root_service": {"type": ["string", "null"]},
              "span_count": {"type": "integer"},
              "llm_calls": {"type": "integer"},
              "errors": {"type": "integer"},
              "error": {"type": "boolean"},
              "input_tokens": {"type": "integer"},
              "output_tokens": {"type": "integer"},
              "cost_usd": {"type": "number"},
              "unpriced_calls": {"type": "integer"},
              "models": {"type": "array", "items": {"type": "string"}},
              "services": {"type": "array", "items": {"type": "string"}}
            },
            "required": [
              "trace_id",
              "start",
              "duration_ms",
              "root_name",
              "root_service",
              "span_count",
              "llm_calls",
              "errors",
              "error",
              "input_tokens",
              "output_tokens",
              "cost_usd",
              "unpriced_calls",
              "models",
              "services"
            ]
          },
          "SpanNode": {
            "type": "object",
            "properties": {
              "trace_id": {"type": "string"},
              "span_id": {"type": "string"},
              "parent_span_id": {"type": "string"},
              "name": {"type": "string"},
              "seq": {"type": "integer"},
              "children": {"type": "array", "items": {"$ref": "#/components/schemas/SpanNode"}}
            },
            "required": ["children"],
            "description": "a span event's body with its sequence number, and its children in start order"
          },
          "DriftReportHeadline": {
            "type": "object",
            "properties": {
              "id": {"type": "integer"},
              "feature": {"type": "string"},
              "computed_at": {"type": "string"},
              "reference": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}, "required": ["from", "to"]},
              "current": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}, "required": ["from", "to"]},
              "psi_mean": {"type": "number"},
              "psi_max": {"type": "number"},
              "drifted": {"type": "boolean"}
            },
            "required": ["id", "feature", "computed_at", "reference", "current", "psi_mean", "psi_max", "drifted"]
          },
          "DriftReport": {
            "type": "object",
            "properties": {
              "id": {"type": "integer"},
              "feature": {"type": "string"},
              "computed_at": {"type": "string"},
              "reference": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}, "required": ["from", "to"]},
              "current": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}, "required": ["from", "to"]},
              "psi_mean": {"type": "number"},
              "psi_max": {"type": "number"},
              "drifted": {"type": "boolean"},
              "report": {"type": "object"}
            },
            "required": ["id", "feature", "computed_at", "reference", "current", "psi_mean", "psi_max", "drifted", "report"]
          },
          "Rule": {
            "type": "object",
            "properties": {
              "name": {"type": "string"},
              "metric": {"type": "string"},
              "comparison": {"type": "string"},
              "threshold": {"type": "number"},
              "windows": {"type": "array", "items": {"type": "string"}},
              "for": {"type": "string"},
              "severity": {"type": "string"},
              "receivers": {"type": "array", "items": {"type": "string"}},
              "projects": {
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": "operator only: the projects the rule applies to, null for every project"
              },
              "alerts": {"type": "object", "additionalProperties": {"type": "integer"}},
              "last_evaluation": {"type": ["string", "null"]},
              "evaluation_ms": {"type": "number"},
              "last_error": {"type": ["string", "null"]}
            },
            "required": ["name", "metric", "comparison", "threshold", "windows", "for", "severity", "receivers", "alerts", "last_evaluation", "last_error"]
          },
          "Receiver": {
            "type": "object",
            "properties": {
              "name": {"type": "string"},
              "kind": {"type": "string", "enum": ["webhook", "alertmanager", "slack", "pagerduty"]},
              "url": {"type": ["string", "null"], "description": "null when url_env gives it"},
              "url_env": {"type": ["string", "null"], "description": "the environment variable holding the URL (never the URL itself)"},
              "headers": {"type": "object", "additionalProperties": {"type": "string"}},
              "secret_env": {"type": ["string", "null"]},
              "routing_key_env": {"type": ["string", "null"], "description": "pagerduty: the environment variable holding the integration key"},
              "body_template": {"type": ["string", "null"], "description": "webhook: the Go template of the body"},
              "content_type": {"type": ["string", "null"]},
              "timeout": {"type": "string"},
              "send_resolved": {"type": "boolean"},
              "max_alerts": {"type": "integer"}
            },
            "required": ["name", "kind", "url", "headers", "secret_env", "timeout", "send_resolved", "max_alerts"]
          },
          "DashboardEntry": {
            "type": "object",
            "properties": {
              "uid": {"type": "string"},
              "title": {"type": "string"},
              "tags": {"type": "array", "items": {"type": "string"}},
              "source": {"type": "string", "enum": ["shipped", "imported"]},
              "version": {"type": "integer"},
              "imported_at": {"type": ["string", "null"]},
              "panels": {"type": "integer"},
              "export_url": {"type": "string"}
            },
            "required": ["uid", "title", "tags", "source", "version", "imported_at", "panels", "export_url"]
          },
          "OTLPStatus": {
            "type": "object",
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}, "details": {"type": "array", "items": {"type": "object"}}},
            "description": "google.rpc.Status, in the request's format (JSON unless the request was protobuf)"
          },
          "OTLPAnyValue": {
            "type": "object",
            "description": "AnyValue: one of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue",
            "properties": {
              "stringValue": {"type": "string"},
              "boolValue": {"type": "boolean"},
              "intValue": {"type": ["string", "integer"]},
              "doubleValue": {"type": "number"},
              "arrayValue": {"type": "object", "properties": {"values": {"type": "array", "items": {"type": "object"}}}},
              "kvlistValue": {"type": "object", "properties": {"values": {"type": "array", "items": {"type": "object"}}}},
              "bytesValue": {"type": "string"}
            }
          },
          "OTLPKeyValue": {"type": "object", "properties": {"key": {"type": "string"}, "value": {"$ref": "#/components/schemas/OTLPAnyValue"}}},
          "OTLPTracesRequest": {
            "type": "object",
            "properties": {
              "resourceSpans": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "resource": {
                      "type": "object",
                      "properties": {"attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}, "droppedAttributesCount": {"type": "integer"}}
                    },
                    "scopeSpans": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "scope": {
                            "type": "object",
                            "properties": {
                              "name": {"type": "string"},
                              "version": {"type": "string"},
                              "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}
                            }
                          },
                          "spans": {
                            "type": "array",
                            "items": {
                              "type": "object",
                              "properties": {
                                "traceId": {"type": "string", "description": "32 hex digits"},
                                "spanId": {"type": "string", "description": "16 hex digits"},
                                "parentSpanId": {"type": "string"},
                                "traceState": {"type": "string"},
                                "name": {"type": "string"},
                                "kind": {"type": "integer"},
                                "startTimeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                "endTimeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}},
                                "events": {
                                  "type": "array",
                                  "items": {
                                    "type": "object",
                                    "properties": {
                                      "timeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                      "name": {"type": "string"},
                                      "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}
                                    }
                                  }
                                },
                                "links": {"type": "array", "items": {"type": "object"}},
                                "status": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}
                              }
                            }
                          },
                          "schemaUrl": {"type": "string"}
                        }
                      }
                    },
                    "schemaUrl": {"type": "string"}
                  }
                }
              }
            },
            "description": "ExportTraceServiceRequest in OTLP JSON (ids as hex)"
          },
          "OTLPMetricsRequest": {
            "type": "object",
            "properties": {
              "resourceMetrics": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "resource": {
                      "type": "object",
                      "properties": {"attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}, "droppedAttributesCount": {"type": "integer"}}
                    },
                    "scopeMetrics": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "scope": {
                            "type": "object",
                            "properties": {
                              "name": {"type": "string"},
                              "version": {"type": "string"},
                              "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}
                            }
                          },
                          "metrics": {
                            "type": "array",
                            "items": {
                              "type": "object",
                              "properties": {
                                "name": {"type": "string"},
                                "description": {"type": "string"},
                                "unit": {"type": "string"},
                                "gauge": {
                                  "type": "object",
                                  "properties": {
                                    "dataPoints": {
                                      "type": "array",
                                      "items": {
                                        "type": "object",
                                        "properties": {
                                          "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}},
                                          "startTimeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                          "timeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                          "asDouble": {"type": "number"},
                                          "asInt": {"type": ["string", "integer"]},
                                          "count": {"type": ["string", "integer"]},
                                          "sum": {"type": "number"},
                                          "bucketCounts": {"type": "array", "items": {"type": ["string", "integer"]}},
                                          "explicitBounds": {"type": "array", "items": {"type": "number"}}
                                        }
                                      }
                                    }
                                  }
                                },
                                "sum": {
                                  "type": "object",
                                  "properties": {
                                    "dataPoints": {
                                      "type": "array",
                                      "items": {
                                        "type": "object",
                                        "properties": {
                                          "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}},
                                          "startTimeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                          "timeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                          "asDouble": {"type": "number"},
                                          "asInt": {"type": ["string", "integer"]},
                                          "count": {"type": ["string", "integer"]},
                                          "sum": {"type": "number"},
                                          "bucketCounts": {"type": "array", "items": {"type": ["string", "integer"]}},
                                          "explicitBounds": {"type": "array", "items": {"type": "number"}}
                                        }
                                      }
                                    },
                                    "aggregationTemporality": {"type": "integer"},
                                    "isMonotonic": {"type": "boolean"}
                                  }
                                },
                                "histogram": {
                                  "type": "object",
                                  "properties": {
                                    "dataPoints": {
                                      "type": "array",
                                      "items": {
                                        "type": "object",
                                        "properties": {
                                          "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}},
                                          "startTimeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                          "timeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                          "asDouble": {"type": "number"},
                                          "asInt": {"type": ["string", "integer"]},
                                          "count": {"type": ["string", "integer"]},
                                          "sum": {"type": "number"},
                                          "bucketCounts": {"type": "array", "items": {"type": ["string", "integer"]}},
                                          "explicitBounds": {"type": "array", "items": {"type": "number"}}
                                        }
                                      }
                                    },
                                    "aggregationTemporality": {"type": "integer"}
                                  }
                                },
                                "exponentialHistogram": {"type": "object"},
                                "summary": {"type": "object"}
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "description": "ExportMetricsServiceRequest in OTLP JSON"
          },
          "OTLPLogsRequest": {
            "type": "object",
            "properties": {
              "resourceLogs": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "resource": {
                      "type": "object",
                      "properties": {"attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}, "droppedAttributesCount": {"type": "integer"}}
                    },
                    "scopeLogs": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "scope": {
                            "type": "object",
                            "properties": {
                              "name": {"type": "string"},
                              "version": {"type": "string"},
                              "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}}
                            }
                          },
                          "logRecords": {
                            "type": "array",
                            "items": {
                              "type": "object",
                              "properties": {
                                "timeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                "observedTimeUnixNano": {"type": ["string", "integer"], "description": "nanoseconds since the epoch"},
                                "severityNumber": {"type": "integer"},
                                "severityText": {"type": "string"},
                                "body": {"$ref": "#/components/schemas/OTLPAnyValue"},
                                "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/OTLPKeyValue"}},
                                "traceId": {"type": "string"},
                                "spanId": {"type": "string"},
                                "eventName": {"type": "string"}
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "description": "ExportLogsServiceRequest in OTLP JSON"
          }
        }
      },
      "paths": {
        "/v1/traces": {
          "post": {
            "summary": "OTLP/HTTP traces export",
            "description": "An ExportTraceServiceRequest as protobuf or OTLP JSON, optionally gzip (Content-Encoding: gzip). Answered 200 only after its events are committed; refused items are counted in partialSuccess. Errors are a google.rpc.Status in the request's format. Requires a key with roles ingest, admin.",
            "x-vigil-roles": ["ingest", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Content-Encoding", "in": "header", "schema": {"type": "string", "enum": ["gzip", "identity"]}}],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/OTLPTracesRequest"}}
              }
            },
            "responses": {
              "200": {
                "description": "ExportTraceServiceResponse; partialSuccess.rejectedSpans and errorMessage when items were refused",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {"partialSuccess": {"type": "object", "properties": {"rejectedSpans": {"type": ["string", "integer"]}, "errorMessage": {"type": "string"}}}}
                    }
                  },
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "400": {
                "description": "undecodable body",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "401": {
                "description": "no key, or a malformed, unknown or revoked one",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "403": {
                "description": "a key whose role cannot ingest",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "413": {
                "description": "body over the limit (VIGIL_MAX_BODY_BYTES), compressed or inflated",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "415": {
                "description": "Content-Type or Content-Encoding not accepted",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "503": {
                "description": "busy, or the database does not answer; retry after Retry-After seconds",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                },
                "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
              }
            }
          }
        },
        "/v1/metrics": {
          "post": {
            "summary": "OTLP/HTTP metrics export",
            "description": "An ExportMetricsServiceRequest as protobuf or OTLP JSON, optionally gzip (Content-Encoding: gzip). Answered 200 only after its events are committed; refused items are counted in partialSuccess. Errors are a google.rpc.Status in the request's format. Requires a key with roles ingest, admin.",
            "x-vigil-roles": ["ingest", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Content-Encoding", "in": "header", "schema": {"type": "string", "enum": ["gzip", "identity"]}}],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/OTLPMetricsRequest"}}
              }
            },
            "responses": {
              "200": {
                "description": "ExportMetricsServiceResponse; partialSuccess.rejectedDataPoints and errorMessage when items were refused",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "partialSuccess": {"type": "object", "properties": {"rejectedDataPoints": {"type": ["string", "integer"]}, "errorMessage": {"type": "string"}}}
                      }
                    }
                  },
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "400": {
                "description": "undecodable body",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "401": {
                "description": "no key, or a malformed, unknown or revoked one",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "403": {
                "description": "a key whose role cannot ingest",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "413": {
                "description": "body over the limit (VIGIL_MAX_BODY_BYTES), compressed or inflated",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "415": {
                "description": "Content-Type or Content-Encoding not accepted",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "503": {
                "description": "busy, or the database does not answer; retry after Retry-After seconds",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                },
                "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
              }
            }
          }
        },
        "/v1/logs": {
          "post": {
            "summary": "OTLP/HTTP logs export",
            "description": "An ExportLogsServiceRequest as protobuf or OTLP JSON, optionally gzip (Content-Encoding: gzip). Answered 200 only after its events are committed; refused items are counted in partialSuccess. Errors are a google.rpc.Status in the request's format. Requires a key with roles ingest, admin.",
            "x-vigil-roles": ["ingest", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Content-Encoding", "in": "header", "schema": {"type": "string", "enum": ["gzip", "identity"]}}],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/OTLPLogsRequest"}}
              }
            },
            "responses": {
              "200": {
                "description": "ExportLogsServiceResponse; partialSuccess.rejectedLogRecords and errorMessage when items were refused",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "partialSuccess": {"type": "object", "properties": {"rejectedLogRecords": {"type": ["string", "integer"]}, "errorMessage": {"type": "string"}}}
                      }
                    }
                  },
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "400": {
                "description": "undecodable body",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "401": {
                "description": "no key, or a malformed, unknown or revoked one",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "403": {
                "description": "a key whose role cannot ingest",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "413": {
                "description": "body over the limit (VIGIL_MAX_BODY_BYTES), compressed or inflated",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "415": {
                "description": "Content-Type or Content-Encoding not accepted",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                }
              },
              "503": {
                "description": "busy, or the database does not answer; retry after Retry-After seconds",
                "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/OTLPStatus"}},
                  "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}}
                },
                "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
              }
            }
          }
        },
        "/api/v1/evaluations": {
          "post": {
            "summary": "Evaluations of LLM outputs",
            "description": "Requires a key with roles ingest, admin.",
            "x-vigil-roles": ["ingest", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "anyOf": [
                      {"$ref": "#/components/schemas/EvaluationInput"},
                      {"type": "array", "items": {"$ref": "#/components/schemas/EvaluationInput"}, "minItems": 1, "maxItems": 1000},
                      {
                        "type": "object",
                        "properties": {"evaluations": {"type": "array", "items": {"$ref": "#/components/schemas/EvaluationInput"}, "minItems": 1, "maxItems": 1000}},
                        "required": ["evaluations"]
                      }
                    ]
                  }
                }
              },
              "description": "one evaluation, an array of them, or {evaluations: [...]}; 1 to 1000"
            },
            "responses": {
              "200": {
                "description": "accepted: how many, after commit",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"accepted": {"type": "integer"}}, "required": ["accepted"]}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/guard": {
          "post": {
            "summary": "Check a text inline for PII, prompt injection and output manipulation; nothing is stored",
            "description": "The same checks and redaction as ingest, so the findings are those a span with the same text gets. Offsets are in Unicode scalars. Requires a key with roles ingest, admin.",
            "x-vigil-roles": ["ingest", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "text": {"type": "string", "maxLength": 100000},
                      "messages": {
                        "type": "array", "minItems": 1, "maxItems": 100,
                        "items": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"role": {"type": "string"}, "content": {"type": "string"}}, "required": ["content"]}]}
                      },
                      "role": {"type": "string", "enum": ["input", "retrieved", "output"], "default": "input"},
                      "system": {"type": "string", "description": "the call's system instructions, for leakage"},
                      "code_task": {"type": "boolean", "description": "outputs: shell and SQL are expected"}
                    },
                    "description": "exactly one of text and messages"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "the redacted text or messages, the PII findings, the injection score and category (inputs and retrieved texts), the output signals (outputs)",
                "content": {"application/json": {"schema": {
                  "type": "object",
                  "properties": {
                    "role": {"type": "string"},
                    "injection": {"type": "object", "properties": {"score": {"type": "number", "minimum": 0, "maximum": 1}, "flagged": {"type": "boolean"}, "category": {"type": ["string", "null"]}, "threshold": {"type": "number"}}},
                    "texts": {"type": "array", "items": {"$ref": "#/components/schemas/GuardText"}},
                    "messages": {"type": "array", "items": {"$ref": "#/components/schemas/GuardText"}},
                    "flagged": {"type": "boolean"}
                  }
                }}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/embeddings": {
          "post": {
            "summary": "Embedding vectors of a drift feature",
            "description": "A feature's dimension is fixed by its first vectors; any other is a 400. Requires a key with roles ingest, admin.",
            "x-vigil-roles": ["ingest", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "feature": {"type": "string", "minLength": 1, "maxLength": 200},
                      "model": {"type": "string", "maxLength": 200},
                      "time": {"$ref": "#/components/schemas/Time"},
                      "trace_id": {"type": "string"},
                      "span_id": {"type": "string"},
                      "vectors": {"type": "array", "items": {"$ref": "#/components/schemas/Vector"}, "maxItems": 10000},
                      "embeddings": {
                        "type": "array",
                        "items": {
                          "type": "object",
                          "properties": {
                            "vector": {"$ref": "#/components/schemas/Vector"},
                            "time": {"$ref": "#/components/schemas/Time"},
                            "trace_id": {"type": "string"},
                            "span_id": {"type": "string"},
                            "text": {"type": "string"}
                          },
                          "required": ["vector"]
                        },
                        "maxItems": 10000
                      }
                    },
                    "required": ["feature"],
                    "description": "1 to 10000 vectors in all (vectors and embeddings together), all of one dimension: the feature's"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "after commit",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {"accepted": {"type": "integer"}, "feature": {"type": "string"}, "dimension": {"type": "integer"}},
                      "required": ["accepted", "feature", "dimension"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/events": {
          "get": {
            "summary": "The project's events after a sequence number, in order",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "after",
                "in": "query",
                "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807, "default": 0},
                "description": "sequence number to read after"
              },
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            ],
            "responses": {
              "200": {
                "description": "events and the cursor for the next page",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}, "next_after": {"type": "integer"}},
                      "required": ["events", "next_after"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/summary": {
          "get": {
            "summary": "Per group: count, errors, error rate, latency and time-to-first-token percentiles, tokens and exact cost, from the minute rollups",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "from",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: an hour before to; minutes that start in [from, to) are included"
              },
              {
                "name": "to",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: now"
              },
              {"name": "service", "in": "query", "schema": {"type": "string", "maxLength": 1024}},
              {
                "name": "model",
                "in": "query",
                "schema": {"type": "string", "maxLength": 1024},
                "description": "matched after normalisation (date suffixes, provider prefixes)"
              },
              {
                "name": "kind",
                "in": "query",
                "schema": {"type": "string", "enum": ["llm", "tool", "agent", "other", "all"], "default": "llm"},
                "description": "which spans: LLM calls (a GenAI operation that calls a model, or an OpenInference LLM or EMBEDDING span; the default), tool calls, agent runs, other spans (HTTP requests and the like), or all of them"
              },
              {
                "name": "group_by",
                "in": "query",
                "schema": {"type": "array", "items": {"type": "string", "enum": ["service", "model", "operation", "status", "kind"]}},
                "description": "comma-separated dimensions",
                "style": "form",
                "explode": false
              }
            ],
            "responses": {
              "200": {
                "description": "the groups",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "from": {"type": "string"},
                        "to": {"type": "string"},
                        "kind": {"type": "string", "enum": ["llm", "tool", "agent", "other", "all"]},
                        "group_by": {"type": "array", "items": {"type": "string"}},
                        "groups": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "service": {"type": "string"},
                              "model": {"type": "string"},
                              "operation": {"type": "string"},
                              "status": {"type": "string"},
                              "kind": {"type": "string", "enum": ["llm", "tool", "agent", "other"]},
                              "count": {"type": "integer"},
                              "errors": {"type": "integer"},
                              "error_rate": {"type": "number"},
                              "clock_skewed": {"type": "integer"},
                              "latency_ms": {
                                "type": ["object", "null"],
                                "properties": {"p50": {"type": "number"}, "p90": {"type": "number"}, "p95": {"type": "number"}, "p99": {"type": "number"}},
                                "required": ["p50", "p90", "p95", "p99"]
                              },
                              "ttft_ms": {
                                "type": ["object", "null"],
                                "properties": {"p50": {"type": "number"}, "p90": {"type": "number"}, "p95": {"type": "number"}, "p99": {"type": "number"}},
                                "required": ["p50", "p90", "p95", "p99"]
                              },
                              "input_tokens": {"type": "integer"},
                              "output_tokens": {"type": "integer"},
                              "cost_usd": {"type": "number"},
                              "unpriced_calls": {"type": "integer"},
                              "reported_cost": {
                                "type": "object",
                                "description": "the cost the app sent (gen_ai.usage.cost, llm.cost.total) beside Vigil's, over the calls of the group that carried one and that Vigil priced too",
                                "properties": {"calls": {"type": "integer"}, "app_usd": {"type": "number"}, "vigil_usd": {"type": "number"}},
                                "required": ["calls", "app_usd", "vigil_usd"]
                              },
                              "quality": {
                                "type": "object",
                                "description": "mean score by evaluation or built-in check name (null when only labels); evaluations in groupings by service and model only, the checks (check.empty_output, check.refusal, check.truncated, check.invalid_json) in every grouping",
                                "additionalProperties": {"type": ["number", "null"]}
                              },
                              "quality_counts": {"type": "object", "additionalProperties": {"type": "integer"}}
                            },
                            "required": [
                              "count",
                              "errors",
                              "error_rate",
                              "clock_skewed",
                              "latency_ms",
                              "ttft_ms",
                              "input_tokens",
                              "output_tokens",
                              "cost_usd",
                              "unpriced_calls",
                              "reported_cost",
                              "quality",
                              "quality_counts"
                            ],
                            "description": "the group's dimensions (those of group_by), then its figures"
                          }
                        }
                      },
                      "required": ["from", "to", "kind", "group_by", "groups"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/timeseries": {
          "get": {
            "summary": "One metric per step-long bucket, from the minute rollups",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "metric",
                "in": "query",
                "schema": {
                  "type": "string",
                  "enum": [
                    "count",
                    "errors",
                    "error_rate",
                    "clock_skewed",
                    "latency_p50",
                    "latency_p90",
                    "latency_p95",
                    "latency_p99",
                    "ttft_p50",
                    "ttft_p90",
                    "ttft_p95",
                    "ttft_p99",
                    "input_tokens",
                    "output_tokens",
                    "cost_usd",
                    "unpriced_calls"
                  ]
                },
                "required": true
              },
              {
                "name": "kind",
                "in": "query",
                "schema": {"type": "string", "enum": ["llm", "tool", "agent", "other", "all"], "default": "llm"},
                "description": "which spans: LLM calls (a GenAI operation that calls a model, or an OpenInference LLM or EMBEDDING span; the default), tool calls, agent runs, other spans (HTTP requests and the like), or all of them"
              },
              {
                "name": "step",
                "in": "query",
                "schema": {"type": "string", "pattern": "^[0-9]{1,12}[smhd]?$", "default": "1m"},
                "description": "a whole number of minutes from 1m to 366d: 1m, 5m, 1h, 1d, or seconds (60 to 31622400); at most 10000 points in the range"
              },
              {
                "name": "from",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: an hour before to"
              },
              {
                "name": "to",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: now"
              },
              {"name": "service", "in": "query", "schema": {"type": "string", "maxLength": 1024}},
              {"name": "model", "in": "query", "schema": {"type": "string", "maxLength": 1024}}
            ],
            "responses": {
              "200": {
                "description": "one point per bucket aligned to the epoch; value null where undefined",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "metric": {"type": "string"},
                        "step_seconds": {"type": "integer"},
                        "points": {
                          "type": "array",
                          "items": {"type": "object", "properties": {"t": {"type": "string"}, "value": {"type": ["number", "null"]}}, "required": ["t", "value"]},
                          "maxItems": 10000
                        }
                      },
                      "required": ["metric", "step_seconds", "points"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/traces": {
          "get": {
            "summary": "Trace search over per-trace summaries, newest first",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "from",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: a day before to"
              },
              {
                "name": "to",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: a minute from now"
              },
              {"name": "service", "in": "query", "schema": {"type": "string", "maxLength": 1024}},
              {"name": "model", "in": "query", "schema": {"type": "string", "maxLength": 1024}},
              {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["ok", "error"]}},
              {
                "name": "min_latency_ms",
                "in": "query",
                "schema": {"type": "number", "minimum": 0, "maximum": 1000000000000.0},
                "description": "decimal notation; NaN, infinities and hexadecimal are refused"
              },
              {
                "name": "min_cost_usd",
                "in": "query",
                "schema": {"type": "string", "pattern": "^[0-9]{1,10}([.][0-9]{1,12})?$"},
                "description": "dollars as plain digits with at most one point (0.05), 0 to 1000000000"
              },
              {
                "name": "cursor",
                "in": "query",
                "schema": {"type": "string", "pattern": "^[0-9]{1,18}[.][0-9a-fA-F]{32}$"},
                "description": "next_cursor of the previous page"
              },
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}
            ],
            "responses": {
              "200": {
                "description": "a page of traces and the cursor of the next (null on the last)",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {"traces": {"type": "array", "items": {"$ref": "#/components/schemas/TraceSummary"}}, "next_cursor": {"type": ["string", "null"]}},
                      "required": ["traces", "next_cursor"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/traces/{trace_id}": {
          "get": {
            "summary": "One trace: its summary and the span tree with every attribute",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "trace_id",
                "in": "path",
                "required": true,
                "description": "32 hex digits",
                "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$"}
              }
            ],
            "responses": {
              "200": {
                "description": "the trace",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "trace_id": {"type": "string"},
                        "span_count": {"type": "integer"},
                        "summary": {"anyOf": [{"$ref": "#/components/schemas/TraceSummary"}, {"type": "null"}]},
                        "spans": {"type": "array", "items": {"$ref": "#/components/schemas/SpanNode"}}
                      },
                      "required": ["trace_id", "span_count", "summary", "spans"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/audit": {
          "get": {
            "summary": "The audit trail, newest first",
            "description": "Every operate, admin and operator action: who (key id and role), what, the target, the outcome and the request id. A project admin sees its own project's; the operator sees every project's, or one project's with project. Requires a key with roles admin, operator.",
            "x-vigil-roles": ["admin", "operator"],
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "from", "in": "query", "schema": {"$ref": "#/components/schemas/Time"}, "description": "RFC 3339 time or Unix milliseconds; default: 30 days before to"},
              {"name": "to", "in": "query", "schema": {"$ref": "#/components/schemas/Time"}, "description": "RFC 3339 time or Unix milliseconds; default: a minute from now"},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
              {"name": "project", "in": "query", "schema": {"type": "string", "maxLength": 1024}, "description": "the operator: one project's entries; a project key: its own name only (another is a 404)"}
            ],
            "responses": {
              "200": {
                "description": "entries",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"entries": {"type": "array", "items": {"type": "object", "properties": {
                  "seq": {"type": "integer"}, "time": {"type": "string"}, "project": {"type": "string"}, "actor": {"type": "string"},
                  "key_id": {"type": ["integer", "null"]}, "role": {"type": ["string", "null"]}, "action": {"type": "string"}, "target": {"type": ["string", "null"]},
                  "outcome": {"type": "string"}, "request_id": {"type": ["string", "null"]}, "details": {"type": "object"}
                }}}}, "required": ["entries"]}}}
              },
              "404": {"$ref": "#/components/responses/NotFound"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/retention": {
          "get": {
            "summary": "Days the project's raw events are kept",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the retention, and whether it is the project's own or the default",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"days": {"type": "integer"}, "source": {"type": "string", "enum": ["project", "default"]}}, "required": ["days", "source"]}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "put": {
            "summary": "Set the project's retention; audited",
            "description": "Requires a key with roles admin.",
            "x-vigil-roles": ["admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"type": "object", "properties": {"days": {"type": "integer", "minimum": 1, "maximum": 3650}}, "required": ["days"]}}}
            },
            "responses": {
              "200": {
                "description": "the new retention",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"days": {"type": "integer"}, "source": {"type": "string", "enum": ["project"]}}, "required": ["days", "source"]}}}
              },
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/budgets": {
          "get": {
            "summary": "The project's budgets: spend in the current UTC period, what remains, and the forecast at the period's end",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the budgets, oldest first",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"as_of": {"type": "string"}, "budgets": {"type": "array", "items": {"type": "object", "properties": {
                  "id": {"type": "integer"}, "scope": {"type": "string", "enum": ["project", "service", "model"]}, "value": {"type": ["string", "null"]},
                  "period": {"type": "string", "enum": ["day", "month"]}, "amount_usd": {"type": "number"}, "created_at": {"type": "string"},
                  "period_start": {"type": "string"}, "period_end": {"type": "string"}, "spent_usd": {"type": "number"}, "remaining_usd": {"type": "number"},
                  "exhausted": {"type": "boolean"},
                  "forecast": {"type": "object", "properties": {
                    "method": {"type": "string"}, "spend_usd": {"type": "number"}, "low_usd": {"type": "number"}, "high_usd": {"type": "number"},
                    "daily_mean_usd": {"type": "number"}, "daily_sd_usd": {"type": "number"}, "days_left": {"type": "number"}, "over_budget": {"type": "boolean"}
                  }, "required": ["method", "spend_usd", "low_usd", "high_usd", "daily_mean_usd", "daily_sd_usd", "days_left", "over_budget"]}
                }, "required": ["id", "scope", "value", "period", "amount_usd", "period_start", "period_end", "spent_usd", "remaining_usd", "exhausted", "forecast"]}}}, "required": ["as_of", "budgets"]}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "post": {
            "summary": "Make a budget of the project, its service or its model, per UTC day or month; audited",
            "description": "Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"type": "object", "properties": {
                "scope": {"type": "string", "enum": ["project", "service", "model"]}, "value": {"type": "string"},
                "period": {"type": "string", "enum": ["day", "month"]}, "amount_usd": {"type": ["string", "number"]}
              }, "required": ["scope", "period", "amount_usd"]}}}
            },
            "responses": {
              "201": {
                "description": "the budget, with its spend so far",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "id": {"type": "integer"}, "scope": {"type": "string", "enum": ["project", "service", "model"]}, "value": {"type": ["string", "null"]},
                  "period": {"type": "string", "enum": ["day", "month"]}, "amount_usd": {"type": "number"}, "created_at": {"type": "string"},
                  "period_start": {"type": "string"}, "period_end": {"type": "string"}, "spent_usd": {"type": "number"}, "remaining_usd": {"type": "number"},
                  "exhausted": {"type": "boolean"},
                  "forecast": {"type": "object", "properties": {
                    "method": {"type": "string"}, "spend_usd": {"type": "number"}, "low_usd": {"type": "number"}, "high_usd": {"type": "number"},
                    "daily_mean_usd": {"type": "number"}, "daily_sd_usd": {"type": "number"}, "days_left": {"type": "number"}, "over_budget": {"type": "boolean"}
                  }, "required": ["method", "spend_usd", "low_usd", "high_usd", "daily_mean_usd", "daily_sd_usd", "days_left", "over_budget"]}
                }, "required": ["id", "scope", "value", "period", "amount_usd", "period_start", "period_end", "spent_usd", "remaining_usd", "exhausted", "forecast"]}}}
              },
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/budgets/{id}": {
          "delete": {
            "summary": "Remove one of the project's budgets; audited",
            "description": "Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "the budget's id",
                "schema": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807}
              }
            ],
            "responses": {
              "200": {
                "description": "removed",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}, "deleted": {"type": "boolean"}}, "required": ["id", "deleted"]}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/quota": {
          "get": {
            "summary": "Before an expensive call: what remains of each budget that applies, and whether to go ahead",
            "description": "Requires a key with roles ingest, read, operate, admin.",
            "x-vigil-roles": ["ingest", "read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "service", "in": "query", "schema": {"type": "string"}},
              {"name": "model", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {
                "description": "allow is false when any applying budget is spent",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "allow": {"type": "boolean"}, "as_of": {"type": "string"},
                  "budgets": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "scope": {"type": "string", "enum": ["project", "service", "model"]}, "value": {"type": ["string", "null"]},
                    "period": {"type": "string", "enum": ["day", "month"]}, "period_end": {"type": "string"}, "amount_usd": {"type": "number"},
                    "spent_usd": {"type": "number"}, "remaining_usd": {"type": "number"}, "exhausted": {"type": "boolean"}
                  }, "required": ["id", "scope", "value", "period", "period_end", "amount_usd", "spent_usd", "remaining_usd", "exhausted"]}}
                }, "required": ["allow", "as_of", "budgets"]}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/models/unpriced": {
          "get": {
            "summary": "Models called without a price in the price table, most called first",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the models",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "models": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "model": {"type": "string"},
                              "provider": {"type": "string"},
                              "calls": {"type": "integer"},
                              "first_seen": {"type": "string"},
                              "last_seen": {"type": "string"}
                            },
                            "required": ["model", "provider", "calls", "first_seen", "last_seen"]
                          }
                        }
                      },
                      "required": ["models"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/drift/compute": {
          "post": {
            "summary": "A drift report between a reference and a current window, neither stored nor logged",
            "description": "400 for a bad window, an unknown feature or too few samples. Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "feature": {"type": "string", "minLength": 1, "maxLength": 200},
                      "reference": {
                        "anyOf": [
                          {
                            "type": "object",
                            "properties": {"from": {"$ref": "#/components/schemas/Time"}, "to": {"$ref": "#/components/schemas/Time"}},
                            "required": ["from", "to"],
                            "description": "[from, to), from before to"
                          },
                          {"type": "object", "properties": {"last": {"type": "integer", "minimum": 100, "maximum": 200000}}, "required": ["last"]}
                        ],
                        "description": "{from, to}, or {last: N}: the N samples before the current window"
                      },
                      "current": {
                        "type": "object",
                        "properties": {"from": {"$ref": "#/components/schemas/Time"}, "to": {"$ref": "#/components/schemas/Time"}},
                        "required": ["from", "to"],
                        "description": "[from, to), from before to"
                      },
                      "threshold": {"type": "number", "exclusiveMinimum": 0}
                    },
                    "required": ["feature", "reference", "current"]
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "the report",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "feature": {"type": "string"},
                        "reference": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}, "required": ["from", "to"]},
                        "current": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}, "required": ["from", "to"]},
                        "report": {"type": "object"}
                      },
                      "required": ["feature", "reference", "current", "report"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/drift/baselines": {
          "post": {
            "summary": "Pin a feature's reference window",
            "description": "Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "feature": {"type": "string", "minLength": 1, "maxLength": 200},
                      "from": {"$ref": "#/components/schemas/Time"},
                      "to": {"$ref": "#/components/schemas/Time"},
                      "last": {"type": "integer", "minimum": 100, "maximum": 200000},
                      "trailing": {
                        "anyOf": [{"type": "integer", "minimum": 60, "maximum": 31536000}, {"type": "string", "pattern": "^[0-9]{1,8}[smhd]$"}],
                        "description": "a trailing window before each report's current window: seconds, or 7d, 12h, 30m; one minute to a year"
                      }
                    },
                    "required": ["feature"],
                    "description": "{feature, from, to}, {feature, last: N} or {feature, trailing}"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "the window pinned, or the trailing length",
                "content": {
                  "application/json": {
                    "schema": {
                      "anyOf": [
                        {
                          "type": "object",
                          "properties": {"feature": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}, "last_n": {"type": ["integer", "null"]}},
                          "required": ["feature", "from", "to", "last_n"]
                        },
                        {
                          "type": "object",
                          "properties": {"feature": {"type": "string"}, "trailing_seconds": {"type": "integer"}},
                          "required": ["feature", "trailing_seconds"]
                        }
                      ]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/drift/reports": {
          "get": {
            "summary": "Stored drift reports, newest first (at most 500)",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "feature", "in": "query", "schema": {"type": "string", "maxLength": 1024}},
              {
                "name": "from",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: a week before to"
              },
              {
                "name": "to",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: a minute from now"
              }
            ],
            "responses": {
              "200": {
                "description": "the reports' headlines",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {"reports": {"type": "array", "items": {"$ref": "#/components/schemas/DriftReportHeadline"}}},
                      "required": ["reports"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "post": {
            "summary": "A feature's drift report now, stored like a scheduled one",
            "description": "Against its pinned baseline and the scheduler's current window (VIGIL_DRIFT_WINDOW). 400 without a feature, a pinned baseline, or enough samples in a window. Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {"schema": {"type": "object", "properties": {"feature": {"type": "string", "minLength": 1, "maxLength": 200}}, "required": ["feature"]}}
              }
            },
            "responses": {
              "201": {"description": "the stored report", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DriftReport"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/drift/reports/{id}": {
          "get": {
            "summary": "One stored drift report in full",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "the report's id",
                "schema": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807}
              }
            ],
            "responses": {
              "200": {"description": "the headline and the report", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DriftReport"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/alerts": {
          "get": {
            "summary": "Pending and firing alerts",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the alerts",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "alerts": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "rule": {"type": "string"},
                              "state": {"type": "string"},
                              "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                              "value": {"type": ["number", "null"]},
                              "active_at": {"type": ["string", "null"]},
                              "fired_at": {"type": ["string", "null"]}
                            },
                            "required": ["rule", "state", "labels", "value", "active_at", "fired_at"]
                          }
                        }
                      },
                      "required": ["alerts"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/alerts/history": {
          "get": {
            "summary": "Alert transitions, newest first",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "from",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: a week before to"
              },
              {
                "name": "to",
                "in": "query",
                "schema": {"$ref": "#/components/schemas/Time"},
                "description": "RFC 3339 time or Unix milliseconds, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; default: a minute from now"
              },
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            ],
            "responses": {
              "200": {
                "description": "the transitions: rule, fingerprint, labels, from, to, at, value",
                "content": {
                  "application/json": {"schema": {"type": "object", "properties": {"transitions": {"type": "array", "items": {"type": "object"}}}, "required": ["transitions"]}}
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/rules": {
          "get": {
            "summary": "The rules in force with their state, last evaluation and last error",
            "description": "Roles read, operate and admin see the rules that apply to their project, receivers by name only; role operator sees every rule with its projects, the alert counts of every project, and the receivers in full (url, headers, secret_env). Requires a key with roles read, operate, admin, operator.",
            "x-vigil-roles": ["read", "operate", "admin", "operator"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the rules (and, for the operator, the receivers)",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}},
                        "receivers": {"type": "array", "items": {"$ref": "#/components/schemas/Receiver"}}
                      },
                      "required": ["rules"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/rules/reload": {
          "post": {
            "summary": "Re-read the rule files, for every project",
            "description": "400 with the files' problems; the rules in force are then unchanged. Requires a key with role operator.",
            "x-vigil-roles": ["operator"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "how many rules and receivers are in force",
                "content": {
                  "application/json": {
                    "schema": {"type": "object", "properties": {"rules": {"type": "integer"}, "receivers": {"type": "integer"}}, "required": ["rules", "receivers"]}
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/silences": {
          "get": {
            "summary": "The project's silences in force, to come, or ended in the last day",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the silences",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "silences": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "id": {"type": "integer"},
                              "matchers": {
                                "type": "array",
                                "items": {
                                  "type": "object",
                                  "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "isRegex": {"type": "boolean"}, "isEqual": {"type": "boolean"}}
                                }
                              },
                              "startsAt": {"type": "string"},
                              "endsAt": {"type": "string"},
                              "comment": {"type": "string"},
                              "createdBy": {"type": "string"},
                              "state": {"type": "string", "enum": ["active", "inactive"]}
                            },
                            "required": ["id", "matchers", "startsAt", "endsAt", "comment", "createdBy", "state"]
                          }
                        }
                      },
                      "required": ["silences"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "post": {
            "summary": "Silence the project's alerts whose labels match, until endsAt",
            "description": "Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "matchers": {
                        "type": "array",
                        "items": {
                          "type": "object",
                          "properties": {
                            "name": {"type": "string", "minLength": 1, "maxLength": 1024},
                            "value": {"type": "string", "maxLength": 1024},
                            "isRegex": {"type": "boolean"},
                            "isEqual": {"type": "boolean"}
                          },
                          "required": ["name", "value"]
                        },
                        "minItems": 1,
                        "maxItems": 100
                      },
                      "startsAt": {"$ref": "#/components/schemas/Time"},
                      "endsAt": {"$ref": "#/components/schemas/Time", "description": "in the future and after startsAt"},
                      "comment": {"type": "string", "minLength": 1, "maxLength": 10000},
                      "createdBy": {"type": "string", "maxLength": 1024}
                    },
                    "required": ["matchers", "endsAt", "comment"]
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "the silence's id",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/silences/{id}": {
          "delete": {
            "summary": "Expire one of the project's silences now",
            "description": "Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "the silence's id",
                "schema": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807}
              }
            ],
            "responses": {
              "200": {
                "description": "expired",
                "content": {
                  "application/json": {
                    "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "state": {"type": "string", "enum": ["expired"]}}, "required": ["id", "state"]}
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/notifications": {
          "get": {
            "summary": "Notification deliveries and dead letters",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "delivered", "dead"]}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            ],
            "responses": {
              "200": {
                "description": "the notifications",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "notifications": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "id": {"type": "integer"},
                              "delivery_id": {"type": "string"},
                              "receiver": {"type": "string"},
                              "alert_status": {"type": "string"},
                              "status": {"type": "string"},
                              "attempts": {"type": "integer"},
                              "created_at": {"type": "string"},
                              "last_attempt_at": {"type": ["string", "null"]},
                              "next_attempt_at": {"type": ["string", "null"]},
                              "delivered_at": {"type": ["string", "null"]},
                              "last_error": {"type": ["string", "null"]}
                            },
                            "required": [
                              "id",
                              "delivery_id",
                              "receiver",
                              "alert_status",
                              "status",
                              "attempts",
                              "created_at",
                              "last_attempt_at",
                              "next_attempt_at",
                              "delivered_at",
                              "last_error"
                            ]
                          }
                        }
                      },
                      "required": ["notifications"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/notifications/{id}/retry": {
          "post": {
            "summary": "Send a pending or dead notification again now",
            "description": "Requires a key with roles operate, admin.",
            "x-vigil-roles": ["operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "the notification's id",
                "schema": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807}
              }
            ],
            "responses": {
              "200": {
                "description": "pending again",
                "content": {
                  "application/json": {
                    "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string", "enum": ["pending"]}}, "required": ["id", "status"]}
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/dashboards": {
          "get": {
            "summary": "The shipped dashboards and the project's imported ones",
            "description": "Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "responses": {
              "200": {
                "description": "the dashboards",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {"dashboards": {"type": "array", "items": {"$ref": "#/components/schemas/DashboardEntry"}}},
                      "required": ["dashboards"]
                    }
                  }
                }
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/dashboards/{uid}/export": {
          "get": {
            "summary": "A dashboard in Grafana's JSON model",
            "description": "With with_data=true each panel's query results are read in a sandbox of the key's project; var-NAME=value query parameters (repeatable; All for every value) set template variables, and var-project of another project is a 403. A 503 when the sandbox role is missing. Requires a key with roles read, operate, admin.",
            "x-vigil-roles": ["read", "operate", "admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "uid",
                "in": "path",
                "required": true,
                "description": "the dashboard's uid",
                "schema": {"type": "string", "minLength": 1, "maxLength": 1024}
              },
              {
                "name": "with_data",
                "in": "query",
                "schema": {"type": "string", "enum": ["true", "false", "1", "0"]},
                "description": "embed each panel's query results for the range as snapshotData"
              },
              {
                "name": "from",
                "in": "query",
                "schema": {"type": "string", "maxLength": 64},
                "description": "with with_data=true only: RFC 3339, Unix milliseconds or now-6h; default the dashboard's time.from"
              },
              {
                "name": "to",
                "in": "query",
                "schema": {"type": "string", "maxLength": 64},
                "description": "with with_data=true only: RFC 3339, Unix milliseconds or now; default the dashboard's time.to"
              }
            ],
            "responses": {
              "200": {
                "description": "the dashboard JSON (with data: vigilExport holds exportedAt, from, to, projectId, variables, errors)",
                "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"type": "object"}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/dashboards/import": {
          "post": {
            "summary": "Store a team's dashboard",
            "description": "400 when it is not a dashboard, or its SQL is refused by the sandbox; the message names where. Requires a key with role admin.",
            "x-vigil-roles": ["admin"],
            "security": [{"apiKey": []}],
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"type": "object", "description": "a Grafana dashboard JSON, or {dashboard, overwrite}"}}}
            },
            "responses": {
              "200": {"description": "replaced (overwrite: true)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DashboardEntry"}}}},
              "201": {"description": "imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DashboardEntry"}}}},
              "409": {
                "description": "a shipped uid, or an existing uid without overwrite",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/v1/dashboards/{uid}": {
          "delete": {
            "summary": "Delete an imported dashboard",
            "description": "Requires a key with role admin.",
            "x-vigil-roles": ["admin"],
            "security": [{"apiKey": []}],
            "parameters": [
              {
                "name": "uid",
                "in": "path",
                "required": true,
                "description": "the dashboard's uid",
                "schema": {"type": "string", "minLength": 1, "maxLength": 1024}
              }
            ],
            "responses": {
              "204": {"description": "deleted"},
              "409": {"description": "a shipped dashboard", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/healthz": {
          "get": {
            "summary": "The process answers",
            "description": "Needs no key.",
            "x-vigil-roles": [],
            "security": [],
            "responses": {
              "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ok"]}}, "required": ["status"]}}}
              }
            }
          }
        },
        "/readyz": {
          "get": {
            "summary": "The database answers and every part does its work",
            "description": "Needs no key.",
            "x-vigil-roles": [],
            "security": [],
            "responses": {
              "200": {
                "description": "ready",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ready"]}}, "required": ["status"]}}}
              },
              "503": {
                "description": "not ready; the message says what is not",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
              }
            }
          }
        },
        "/metrics": {
          "get": {
            "summary": "Prometheus metrics about Vigil itself",
            "description": "Needs no key.",
            "x-vigil-roles": [],
            "security": [],
            "responses": {"200": {"description": "Prometheus text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "summary": "This document",
            "description": "Needs no key.",
            "x-vigil-roles": [],
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        }
      }
    }
    """#
}
