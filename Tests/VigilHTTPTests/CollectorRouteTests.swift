import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwiftProtobuf
import Testing
import VigilCore
import VigilHTTP
import VigilTestSupport
import VigilIngest
import VigilOTLPProto

@Suite("OTLP collectors over HTTP")
struct CollectorRouteTests {
    @Test("keys: none or unknown is 401, a read key on a collector is 403, an ingest key on the API is 403")
    func authentication() async throws {
        let harness = try await CollectorHarness.make("auth")
        let body = try traceRequest([span(trace: 1, span: 1)])
        try await harness.application.test(.router) { client in
            for (key, status) in [(nil, HTTPResponse.Status.unauthorized), ("vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", .unauthorized), ("garbage", .unauthorized), (harness.readKey, .forbidden)] {
                try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: key, contentType: "application/json"), body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == status, "\(key ?? "no key")")
                    #expect(response.headers[.contentType] == "application/json")
                    let status = try json(response.body)
                    #expect((status["message"] as? String)?.isEmpty == false)
                }
            }
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.readKey, contentType: "application/x-protobuf"), body: body) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType] == "application/x-protobuf")
                let status = try RPCStatus(serializedBytes: Array(buffer: response.body))
                #expect(status.code == 7)
                #expect(status.message.contains("role read"))
            }
            try await client.execute(uri: "/api/v1/events", method: .get, headers: headers(key: harness.ingestKey, contentType: nil)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.adminKey, contentType: "application/x-protobuf"), body: body) { response in
                #expect(response.status == .ok, "admin keys may ingest")
            }
        }
        #expect(try await harness.telemetryCount() == 1)
    }

    @Test("protobuf, JSON and gzip exports are answered in their own format after commit; retries are stored once")
    func exports() async throws {
        let harness = try await CollectorHarness.make("exports")
        let body = try traceRequest([span(trace: 2, span: 1), span(trace: 2, span: 2)])
        let hexTrace = String(repeating: "03", count: 16)
        let jsonBody = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-app"}}]},
             "scopeSpans":[{"spans":[{"traceId":"\(hexTrace)","spanId":"0303030303030303","name":"x",
             "startTimeUnixNano":"\(UInt64(Date().timeIntervalSince1970 * 1e9))","endTimeUnixNano":"\(UInt64(Date().timeIntervalSince1970 * 1e9) + 1)"}]}]}]}
            """
        try await harness.application.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: body) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/x-protobuf")
                    let decoded = try OTLPExportTraceServiceResponse(serializedBytes: Array(buffer: response.body))
                    #expect(decoded.hasPartialSuccess == false)
                }
            }
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/json"), body: ByteBuffer(string: jsonBody)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let decoded = try json(response.body)
                #expect(decoded.isEmpty)
            }
            let gzipped = Gzip.deflate(Array(buffer: try traceRequest([span(trace: 4, span: 1)])))
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf", encoding: "gzip"), body: ByteBuffer(bytes: gzipped)) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try await harness.telemetryCount() == 4)
        #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE body->>'service' = 'json-app' AND body->>'trace_id' = '\(hexTrace)'") == 1)
    }

    @Test("a partly bad export is a 200 with partial_success, and only the good spans are stored")
    func partialSuccess() async throws {
        let harness = try await CollectorHarness.make("partial")
        var bad = span(trace: 5, span: 1)
        bad.traceID = Data([1, 2, 3])
        let body = try traceRequest([span(trace: 6, span: 1), bad])
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: body) { response in
                #expect(response.status == .ok)
                let decoded = try OTLPExportTraceServiceResponse(serializedBytes: Array(buffer: response.body))
                #expect(decoded.partialSuccess.rejectedSpans == 1)
                #expect(decoded.partialSuccess.errorMessage.contains("trace_id has 3 bytes"))
            }
        }
        #expect(try await harness.telemetryCount() == 1)
    }

    @Test("bad bodies get their status and a message, nothing of them is stored, and the server keeps working")
    func badBodies() async throws {
        let harness = try await CollectorHarness.make("bad") { configuration in
            configuration.maxBodyBytes = 64 * 1024
            configuration.maxInflatedBytes = 256 * 1024
        }
        let good = try traceRequest([span(trace: 7, span: 1)])
        let truncated = ByteBuffer(bytes: Array(buffer: good).dropLast(5))
        let oversized = ByteBuffer(bytes: [UInt8](repeating: 0x41, count: 100 * 1024))
        let bomb = ByteBuffer(bytes: Gzip.deflate([UInt8](repeating: 0, count: 10 * 1024 * 1024)))
        let cases: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
            ("truncated protobuf", headers(key: harness.ingestKey, contentType: "application/x-protobuf"), truncated, .badRequest, "not a valid protobuf"),
            ("invalid JSON", headers(key: harness.ingestKey, contentType: "application/json"), ByteBuffer(string: "{\"resourceSpans\": [oops"), .badRequest, "not a valid OTLP JSON"),
            ("wrong content type", headers(key: harness.ingestKey, contentType: "text/plain"), good, .unsupportedMediaType, "text/plain"),
            ("no content type", headers(key: harness.ingestKey, contentType: nil), good, .unsupportedMediaType, "Content-Type"),
            ("unknown encoding", headers(key: harness.ingestKey, contentType: "application/x-protobuf", encoding: "br"), good, .unsupportedMediaType, "br"),
            ("oversized body", headers(key: harness.ingestKey, contentType: "application/x-protobuf"), oversized, .contentTooLarge, "limit"),
            ("gzip bomb", headers(key: harness.ingestKey, contentType: "application/x-protobuf", encoding: "gzip"), bomb, .contentTooLarge, "inflates past"),
            ("corrupt gzip", headers(key: harness.ingestKey, contentType: "application/x-protobuf", encoding: "gzip"), good, .badRequest, "gzip"),
        ]
        #expect(bomb.readableBytes < 64 * 1024, "the bomb itself is under the body limit")
        try await harness.application.test(.router) { client in
            for (name, fields, body, status, mention) in cases {
                try await client.execute(uri: "/v1/traces", method: .post, headers: fields, body: body) { response in
                    #expect(response.status == status, "\(name)")
                    let message: String
                    if response.headers[.contentType] == "application/x-protobuf" {
                        message = try RPCStatus(serializedBytes: Array(buffer: response.body)).message
                    } else {
                        message = try json(response.body)["message"] as? String ?? ""
                    }
                    #expect(message.contains(mention), "\(name): \(message)")
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: good) { response in
                #expect(response.status == .ok, "a good export still works after the bad ones")
            }
        }
        #expect(try await harness.telemetryCount() == 1)
    }
}
