import Foundation
import Testing
import VigilCore
import VigilIngest
import VigilOTLPProto
import VigilSafety

@Suite("Span decoding and GenAI dialects")
struct SpanDecodingTests {
    let decoder = OTLPDecoder()

    @Test("a protobuf export becomes one event per span, keeping every attribute and the resource")
    func protobufSpans() throws {
        let request = Fixture.traces([
            Fixture.span(trace: 1, span: 1, name: "chat gpt-4o", attributes: [
                Fixture.attribute("gen_ai.operation.name", "chat"),
                Fixture.attribute("gen_ai.provider.name", "openai"),
                Fixture.attribute("gen_ai.request.model", "gpt-4o"),
                Fixture.attribute("gen_ai.response.model", "gpt-4o-2024-08-06"),
                Fixture.attribute("gen_ai.usage.input_tokens", 120),
                Fixture.attribute("gen_ai.usage.output_tokens", 48),
                Fixture.attribute("gen_ai.response.finish_reasons", ["stop"]),
                Fixture.attribute("app.custom", "kept"),
                Fixture.attribute("app.ratio", 0.25),
                Fixture.attribute("app.flag", true),
            ], error: true),
        ])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 7, receivedAtNanos: 0, redactor: .disabled)
        #expect(batch.rejected == 0)
        let event = try #require(batch.events.first)
        #expect(batch.events.count == 1)
        #expect(event.kind == .span)
        #expect(event.projectID == 7)
        #expect(event.occurredAtMicros == 1_764_400_000_000_000)
        #expect(event.dedupKey == [UInt8](repeating: 1, count: 16) + [UInt8](repeating: 1, count: 8))
        let body = try object(event)
        #expect(body["service"] as? String == "chat")
        #expect(body["trace_id"] as? String == String(repeating: "01", count: 16))
        #expect(body["span_id"] as? String == String(repeating: "01", count: 8))
        #expect(body["kind"] as? String == "client")
        #expect(body["duration_ns"] as? Int == 1_250_000_000)
        let status = try #require(body["status"] as? [String: Any])
        #expect(status["code"] as? String == "error")
        #expect(status["message"] as? String == "rate limited")
        let attributes = try #require(body["attributes"] as? [String: Any])
        #expect(attributes["app.custom"] as? String == "kept")
        #expect(attributes["app.ratio"] as? Double == 0.25)
        #expect(attributes["app.flag"] as? Bool == true)
        #expect(attributes["gen_ai.usage.input_tokens"] as? Int == 120)
        let resource = try #require(body["resource"] as? [String: Any])
        #expect(resource["deployment.environment"] as? String == "test")
        let scope = try #require(body["scope"] as? [String: Any])
        #expect(scope["name"] as? String == "test.instrumentation")
        let genai = try #require(body["genai"] as? [String: Any])
        #expect(genai["dialect"] as? String == "opentelemetry")
        #expect(genai["operation"] as? String == "chat")
        #expect(genai["provider"] as? String == "openai")
        #expect(genai["request_model"] as? String == "gpt-4o")
        #expect(genai["response_model"] as? String == "gpt-4o-2024-08-06")
        #expect(genai["input_tokens"] as? Int == 120)
        #expect(genai["output_tokens"] as? Int == 48)
        #expect(genai["total_tokens"] as? Int == 168)
        #expect(genai["finish_reasons"] as? [String] == ["stop"])
    }

    @Test("older GenAI names and OpenInference map onto the same fields")
    func dialects() throws {
        let request = Fixture.traces([
            Fixture.span(trace: 2, span: 1, name: "older", attributes: [
                Fixture.attribute("gen_ai.system", "Anthropic"),
                Fixture.attribute("gen_ai.request.model", "claude-3-5-sonnet-20241022"),
                Fixture.attribute("gen_ai.usage.prompt_tokens", 10),
                Fixture.attribute("gen_ai.usage.completion_tokens", "5"),
            ]),
            Fixture.span(trace: 3, span: 1, name: "openinference", attributes: [
                Fixture.attribute("openinference.span.kind", "LLM"),
                Fixture.attribute("llm.model_name", "mistral-large-latest"),
                Fixture.attribute("llm.provider", "mistralai"),
                Fixture.attribute("llm.token_count.prompt", 30),
                Fixture.attribute("llm.token_count.completion", 12),
                Fixture.attribute("llm.token_count.total", 42),
            ]),
            Fixture.span(trace: 4, span: 1, name: "plain http", attributes: [Fixture.attribute("http.method", "GET")]),
        ])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        #expect(batch.events.count == 3)
        let older = try #require(try object(batch.events[0])["genai"] as? [String: Any])
        #expect(older["provider"] as? String == "anthropic")
        #expect(older["request_model"] as? String == "claude-3-5-sonnet-20241022")
        #expect(older["input_tokens"] as? Int == 10)
        #expect(older["output_tokens"] as? Int == 5)
        let openInference = try #require(try object(batch.events[1])["genai"] as? [String: Any])
        #expect(openInference["dialect"] as? String == "openinference")
        #expect(openInference["operation"] as? String == "chat")
        #expect(openInference["provider"] as? String == "mistralai")
        #expect(openInference["request_model"] as? String == "mistral-large-latest")
        #expect(openInference["input_tokens"] as? Int == 30)
        #expect(openInference["output_tokens"] as? Int == 12)
        #expect(openInference["total_tokens"] as? Int == 42)
        #expect(try object(batch.events[2])["genai"] == nil)
    }

    @Test("cache and reasoning tokens and the app's own cost, under the current names and the aliases other tools send")
    func tokenParts() throws {
        let request = Fixture.traces([
            Fixture.span(trace: 2, span: 2, name: "current", attributes: [
                Fixture.attribute("gen_ai.request.model", "claude-sonnet-4"),
                Fixture.attribute("gen_ai.usage.input_tokens", 1000),
                Fixture.attribute("gen_ai.usage.output_tokens", 300),
                Fixture.attribute("gen_ai.usage.cache_read.input_tokens", 600),
                Fixture.attribute("gen_ai.usage.cache_creation.input_tokens", 200),
                Fixture.attribute("gen_ai.usage.reasoning.output_tokens", 120),
            ]),
            Fixture.span(trace: 2, span: 3, name: "openllmetry and litellm", attributes: [
                Fixture.attribute("gen_ai.request.model", "claude-sonnet-4"),
                Fixture.attribute("gen_ai.usage.input_tokens", 50),
                Fixture.attribute("gen_ai.usage.cache_read_input_tokens", 7),
                Fixture.attribute("gen_ai.usage.cache_creation_input_tokens", 9),
                Fixture.attribute("gen_ai.usage.cost", 0.00125),
            ]),
            Fixture.span(trace: 2, span: 4, name: "openinference", attributes: [
                Fixture.attribute("llm.model_name", "o3"),
                Fixture.attribute("llm.token_count.prompt", 40),
                Fixture.attribute("llm.token_count.prompt_details.cache_write", 11),
                Fixture.attribute("llm.token_count.completion_details.reasoning", 13),
                Fixture.attribute("llm.cost.total", -1.0),
            ]),
        ])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        let current = try #require(try object(batch.events[0])["genai"] as? [String: Any])
        #expect(current["cached_input_tokens"] as? Int == 600)
        #expect(current["cache_creation_input_tokens"] as? Int == 200)
        #expect(current["reasoning_output_tokens"] as? Int == 120)
        #expect(current["input_tokens"] as? Int == 1000, "the parts stay inside the totals")
        let aliases = try #require(try object(batch.events[1])["genai"] as? [String: Any])
        #expect(aliases["cached_input_tokens"] as? Int == 7)
        #expect(aliases["cache_creation_input_tokens"] as? Int == 9)
        #expect(aliases["reported_cost_usd"] as? Double == 0.00125)
        let openInference = try #require(try object(batch.events[2])["genai"] as? [String: Any])
        #expect(openInference["cache_creation_input_tokens"] as? Int == 11)
        #expect(openInference["reasoning_output_tokens"] as? Int == 13)
        #expect(openInference["reported_cost_usd"] == nil, "a negative cost is no cost")
    }

    @Test("OTLP JSON with hex ids gives exactly the events the protobuf encoding gives")
    func jsonMatchesProtobuf() throws {
        let json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"chat"}},
              {"key":"deployment.environment","value":{"stringValue":"test"}}]},
             "scopeSpans":[{"scope":{"name":"test.instrumentation","version":"1.0"},"spans":[
               {"traceId":"0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A","spanId":"0b0b0b0b0b0b0b0b","name":"chat","kind":3,
                "startTimeUnixNano":"1764400000000000000","endTimeUnixNano":1764400001250000000,
                "attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                              {"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}}],
                "unknownFutureField":{"ignored":true}}]}]}]}
            """
        let fromJSON = try decoder.decode(signal: .traces, format: .json, body: Array(json.utf8), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        let request = Fixture.traces([
            Fixture.span(trace: 0x0A, span: 0x0B, name: "chat", attributes: [
                Fixture.attribute("gen_ai.request.model", "gpt-4o"),
                Fixture.attribute("gen_ai.usage.input_tokens", 120),
            ]),
        ])
        let fromProtobuf = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        #expect(fromJSON.events == fromProtobuf.events)
        #expect(fromJSON.events.count == 1)
    }

    @Test("spans with bad ids or no times are refused one by one, the rest kept")
    func partialRejection() throws {
        var shortTrace = Fixture.span(trace: 5, span: 1, name: "short", attributes: [])
        shortTrace.traceID = Data([1, 2, 3, 4])
        let zeroSpan = Fixture.span(trace: 6, span: 0, name: "zero", attributes: [])
        var timeless = Fixture.span(trace: 7, span: 1, name: "timeless", attributes: [])
        timeless.startTimeUnixNano = 0
        timeless.endTimeUnixNano = 0
        let good = Fixture.span(trace: 8, span: 1, name: "good", attributes: [])
        let request = Fixture.traces([shortTrace, zeroSpan, timeless, good])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled)
        #expect(batch.events.count == 1)
        #expect(batch.rejected == 3)
        let message = try #require(batch.rejectionMessage)
        #expect(message.contains("trace_id has 4 bytes"))
        #expect(message.contains("span_id is all zeroes"))
        #expect(message.contains("neither start nor end"))
    }

    @Test("a span with a far-future time keeps it in the body and is stored at the partition bound")
    func skewedTime() throws {
        let request = Fixture.traces([Fixture.span(trace: 9, span: 1, name: "future", attributes: [], start: 9_000_000_000_000_000_000)])
        let event = try #require(try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: .disabled).events.first)
        #expect(event.occurredAtMicros == EventTime.latestMicros - 1)
        #expect(try object(event)["start_ns"] as? UInt64 == 9_000_000_000_000_000_000)
    }

    @Test("undecodable bodies are invalid input with a message that says why")
    func undecodable() throws {
        let good = try Fixture.bytes(Fixture.traces([Fixture.span(trace: 1, span: 1, name: "x", attributes: [])]))
        let cases: [(OTLPFormat, [UInt8], String)] = [
            (.protobuf, Array(good.dropLast(7)), "protobuf"),
            (.json, Array("{\"resourceSpans\": [".utf8), "JSON"),
            (.json, Array("not json".utf8), "JSON"),
            (.json, [], "empty"),
            (.json, Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}"#.utf8), "traceId"),
        ]
        for (format, body, mention) in cases {
            let error = #expect(throws: VigilError.self) {
                try decoder.decode(signal: .traces, format: format, body: body, projectID: 1, receivedAtNanos: 0, redactor: .disabled)
            }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains(mention) == true, "\(error?.message ?? "")")
        }
    }
}
