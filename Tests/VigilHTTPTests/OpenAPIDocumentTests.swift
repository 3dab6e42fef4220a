import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilCore
@testable import VigilHTTP

/// The OpenAPI document at `/openapi.json` against the router: every route is documented and every
/// documented operation routed, each with its responses, its path parameters and the roles that
/// may call it (which must be `RoleMatrixTests.matrix`'s), and errors in the shape
/// `ErrorResponder` writes. `Tests/e2e/test_schemathesis.py` checks the rest (parameters, bodies,
/// response schemas) against a running server.
@Suite("The OpenAPI document")
struct OpenAPIDocumentTests {
    /// The HTTP methods an OpenAPI path item may hold.
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// `METHOD /path/{param}`: the method upper-cased, each parameter written `{name}` (Hummingbird
    /// describes captures that way; a `:name` segment is rewritten to it).
    static func normalised(method: String, path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }
        return "\(method.uppercased()) \(segments.joined(separator: "/"))"
    }

    /// The document as JSON objects.
    static func document() throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
        return try #require(parsed as? [String: Any], "the document is not a JSON object")
    }

    /// Each operation of the document under `METHOD /path/{param}`, with the path as the document writes it.
    static func operations() throws -> [String: (path: String, operation: [String: Any])] {
        let paths = try #require(try document()["paths"] as? [String: Any], "the document has no paths")
        var result: [String: (path: String, operation: [String: Any])] = [:]
        for (path, item) in paths {
            let methods = try #require(item as? [String: Any], "path item \(path)")
            for (method, operation) in methods where Self.methods.contains(method) {
                let route = normalised(method: method, path: path)
                let duplicate = result[route] != nil
                #expect(!duplicate, "\(route) is documented twice")
                result[route] = (path, try #require(operation as? [String: Any], "\(route)"))
            }
        }
        return result
    }

    /// The value a local `$ref` (`#/components/responses/BadRequest`) points at, nil when none.
    static func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = document
        for name in reference.dropFirst(2).split(separator: "/") {
            guard let object = node as? [String: Any], let next = object[String(name)] else { return nil }
            node = next
        }
        return node
    }

    /// Every `$ref` in `value`, depth first.
    static func references(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            var found: [String] = []
            if let reference = object["$ref"] as? String { found.append(reference) }
            for key in object.keys.sorted() { found += references(in: object[key] as Any) }
            return found
        }
        if let array = value as? [Any] {
            return array.flatMap { references(in: $0) }
        }
        return []
    }

    /// `value`, or what it refers to when it is a `{"$ref": ...}`.
    static func dereferenced(_ value: Any?, in document: [String: Any]) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        if let reference = object["$ref"] as? String {
            return resolve(reference, in: document) as? [String: Any]
        }
        return object
    }

    @Test("every route the router serves is documented, and every documented operation is routed")
    func complete() async throws {
        let harness = try await RoleHarness.make("openapicomplete")
        let routed = Set(harness.router.routes.map { Self.normalised(method: $0.method.rawValue, path: $0.path.description) })
        let documented = Set(try Self.operations().keys)
        for route in routed.subtracting(documented).sorted() {
            Issue.record("route \(route) is not in OpenAPIDocument: document its parameters, body, responses and roles")
        }
        for route in documented.subtracting(routed).sorted() {
            Issue.record("\(route) is in OpenAPIDocument but not routed")
        }
        #expect(routed == documented)
    }

    @Test("every operation has a 2xx response, the roles of the role matrix, and security exactly when it needs a key")
    func rolesAndResponses() throws {
        for (route, entry) in try Self.operations().sorted(by: { $0.key < $1.key }) {
            let operation = entry.operation
            let responses = operation["responses"] as? [String: Any] ?? [:]
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(route) documents no 2xx response")
            #expect((operation["summary"] as? String)?.isEmpty == false, "\(route) has no summary")
            guard let roles = operation["x-vigil-roles"] as? [String] else {
                Issue.record("\(route) has no x-vigil-roles: list the roles that may call it ([] when it needs no key)")
                continue
            }
            let security = operation["security"] as? [Any]
            if RoleMatrixTests.open.contains(route) {
                #expect(roles.isEmpty, "\(route) needs no key, but the document lists roles \(roles)")
                #expect(security?.isEmpty == true, "\(route) needs no key: its security must be []")
            } else {
                let expected = RoleMatrixTests.matrix[route].map { Set($0.map(\.rawValue)) }
                let matches = Set(roles) == expected
                #expect(matches, "\(route): the document says roles \(roles.sorted()), the role matrix \(expected?.sorted() ?? [])")
                #expect(security?.isEmpty == false, "\(route) needs a key: its security must name apiKey")
                for status in ["400", "401", "403", "503"] {
                    #expect(responses[status] != nil, "\(route) needs a key and checks its parameters, but does not document \(status)")
                }
            }
        }
    }

    @Test("every path parameter is declared as one, and every $ref resolves")
    func parametersAndReferences() throws {
        let document = try Self.document()
        for reference in Set(Self.references(in: document)).sorted() {
            #expect(Self.resolve(reference, in: document) != nil, "$ref \(reference) resolves to nothing")
        }
        for (route, entry) in try Self.operations().sorted(by: { $0.key < $1.key }) {
            let inPath = Set(entry.path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) })
            let parameters = (entry.operation["parameters"] as? [Any] ?? []).compactMap { Self.dereferenced($0, in: document) }
            let declared = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
            #expect(inPath == declared, "\(route): path parameters \(inPath.sorted()), declared \(declared.sorted())")
            for parameter in parameters {
                #expect(parameter["schema"] != nil, "\(route): parameter \(parameter["name"] ?? "?") has no schema")
                if parameter["in"] as? String == "path" {
                    #expect(parameter["required"] as? Bool == true, "\(route): path parameter \(parameter["name"] ?? "?") must be required")
                }
            }
        }
    }

    @Test("error responses of the API carry the Error schema, whose required members are those ErrorResponder writes")
    func errorShape() async throws {
        let document = try Self.document()
        for (route, entry) in try Self.operations().sorted(by: { $0.key < $1.key }) where !route.contains(" /v1/") {
            let responses = entry.operation["responses"] as? [String: Any] ?? [:]
            for (status, value) in responses where status.hasPrefix("4") || status.hasPrefix("5") {
                let response = Self.dereferenced(value, in: document)
                let content = response?["content"] as? [String: Any]
                let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                #expect(schema?["$ref"] as? String == "#/components/schemas/Error", "\(route) \(status): not the Error schema")
            }
        }
        let errorSchema = try #require(Self.resolve("#/components/schemas/Error", in: document) as? [String: Any])
        let errorObject = try #require((errorSchema["properties"] as? [String: Any])?["error"] as? [String: Any])
        let required = Set(errorObject["required"] as? [String] ?? [])

        let harness = try await RoleHarness.make("openapierror")
        let served = try await harness.application.test(.router) { client in
            let unauthorized = try await client.execute(uri: "/api/v1/events", method: .get) { response in
                (status: response.status, body: Array(buffer: response.body))
            }
            let document = try await client.execute(uri: "/openapi.json", method: .get) { response in
                (status: response.status, body: Array(buffer: response.body))
            }
            return (unauthorized: unauthorized, document: document)
        }
        #expect(served.unauthorized.status == .unauthorized)
        let body = try JSONSerialization.jsonObject(with: Data(served.unauthorized.body)) as? [String: Any]
        let written = Set((body?["error"] as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(written == required, "ErrorResponder writes \(written.sorted()); the document requires \(required.sorted())")
        #expect(served.document.status == .ok)
        #expect(served.document.body == Array(OpenAPIDocument.json.utf8))
    }
}
