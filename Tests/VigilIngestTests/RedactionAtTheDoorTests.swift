import Foundation
import Testing
import VigilCore
import VigilIngest
import VigilOTLPProto
import VigilSafety

@Suite("Redaction at the door")
struct RedactionAtTheDoorTests {
    let decoder = OTLPDecoder()
    let masking = Redactor(policy: RedactionPolicy(mode: .mask, deniedAttributes: ["user.password"]), projectKey: Array("k".utf8))

    @Test("span names, status messages, attributes and event attributes are masked and counted; the original text is nowhere in the body")
    func spans() throws {
        let messages = #"[{"role":"user","parts":[{"type":"text","content":"mail me at ana.garcia@example.es or call +34 612 34 56 78"}]}]"#
        var span = Fixture.span(trace: 3, span: 4, name: "chat for ana.garcia@example.es", attributes: [
            Fixture.attribute("gen_ai.input.messages", messages),
            Fixture.attribute("input.value", "card 4111 1111 1111 1111"),
            Fixture.attribute("user.password", "hunter2"),
            Fixture.attribute("gen_ai.request.model", "gpt-4o-2024-08-06"),
        ], error: true)
        span.status.message = "upstream refused key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12345678"
        var spanEvent = OTLPSpan.Event()
        spanEvent.name = "gen_ai.choice"
        spanEvent.attributes = [Fixture.attribute("message", "SSN 123-45-6789")]
        span.events = [spanEvent]
        let request = Fixture.traces([span])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(request), projectID: 1, receivedAtNanos: 0, redactor: masking)
        let event = try #require(batch.events.first)
        let text = String(decoding: event.body, as: UTF8.self)
        for secret in ["ana.garcia@example.es", "612 34 56 78", "4111 1111 1111 1111", "hunter2", "sk-proj-", "123-45-6789"] {
            #expect(!text.contains(secret), "\(secret) was stored")
        }
        let body = try object(event)
        #expect(body["name"] as? String == "chat for <EMAIL>")
        let attributes = try #require(body["attributes"] as? [String: Any])
        #expect(attributes["input.value"] as? String == "card <CARD>")
        #expect(attributes["user.password"] as? String == "<REDACTED>")
        #expect(attributes["gen_ai.request.model"] as? String == "gpt-4o-2024-08-06")
        #expect((attributes["gen_ai.input.messages"] as? String)?.contains("mail me at <EMAIL> or call <PHONE>") == true)
        let pii = try #require(body["pii"] as? [String: Int])
        #expect(pii == ["email": 2, "phone": 1, "card": 1, "secret": 1, "ssn": 1, "redacted": 1])
        #expect(((body["genai"] as? [String: Any])?["request_model"] as? String) == "gpt-4o-2024-08-06")
    }

    @Test("a log body is masked; two records that differ only in their PII keep different dedup keys")
    func logs() throws {
        func request(_ email: String) -> OTLPExportLogsServiceRequest {
            var record = OTLPLogRecord()
            record.timeUnixNano = 1_764_400_000_000_000_000
            record.body = Fixture.anyValue("password reset for \(email)")
            var scope = OTLPScopeLogs()
            scope.logRecords = [record]
            var resourceLogs = OTLPResourceLogs()
            resourceLogs.resource = Fixture.resource(service: "auth")
            resourceLogs.scopeLogs = [scope]
            var request = OTLPExportLogsServiceRequest()
            request.resourceLogs = [resourceLogs]
            return request
        }
        let first = try #require(try decoder.decode(signal: .logs, format: .protobuf, body: Fixture.bytes(request("a@example.com")), projectID: 1, receivedAtNanos: 0, redactor: masking).events.first)
        let second = try #require(try decoder.decode(signal: .logs, format: .protobuf, body: Fixture.bytes(request("b@example.com")), projectID: 1, receivedAtNanos: 0, redactor: masking).events.first)
        let retried = try #require(try decoder.decode(signal: .logs, format: .protobuf, body: Fixture.bytes(request("a@example.com")), projectID: 1, receivedAtNanos: 0, redactor: masking).events.first)
        #expect(try object(first)["body"] as? String == "password reset for <EMAIL>")
        #expect(first.body == second.body)
        #expect(first.dedupKey != second.dedupKey)
        #expect(first.dedupKey == retried.dedupKey)
    }

    @Test("a rejected span's message does not echo PII from its name")
    func rejection() throws {
        var span = Fixture.span(trace: 1, span: 1, name: "lookup bob@example.com", attributes: [])
        span.traceID = Data([1, 2, 3, 4])
        let batch = try decoder.decode(signal: .traces, format: .protobuf, body: Fixture.bytes(Fixture.traces([span])), projectID: 1, receivedAtNanos: 0, redactor: masking)
        let message = try #require(batch.rejectionMessage)
        #expect(!message.contains("bob@example.com"))
        #expect(message.contains("<EMAIL>"))
    }
}
