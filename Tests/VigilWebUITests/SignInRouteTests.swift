import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Synchronization
import Testing
import VigilCore
import VigilEventLog
import VigilTestSupport
@testable import VigilWebUI

@Suite("Web view sign-in, sessions and guards")
struct SignInRouteTests {
    @Test("sign-in refuses bad, ingest, foreign and revoked keys; a good one gets a strict session cookie")
    func signIn() async throws {
        let harness = try await UIHarness.make("uisignin")
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/ui", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login")
            }
            try await client.execute(uri: "/ui/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self'") == true)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                let page = text(response)
                #expect(page.contains("<label for=\"project\">Project</label>") && page.contains("<label for=\"key\">Key</label>"))
                #expect(page.contains("<form method=\"post\" action=\"/ui/login\">"))
                #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"), "no external URL, no script")
            }
            for (key, project, status, message) in [
                ("vgl_nope", "alpha", HTTPResponse.Status.unauthorized, "not valid"),
                ("vgl_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "alpha", .unauthorized, "not valid"),
                ("", "alpha", .badRequest, "Enter a read, operate or admin key"),
                (harness.readKey, "", .badRequest, "Enter the project"),
                (harness.ingestKey, "alpha", .forbidden, "can only send telemetry"),
                (harness.otherProjectReadKey, "alpha", .forbidden, "not a key of project alpha"),
                (harness.readKey, "beta", .forbidden, "not a key of project beta"),
                (harness.revokedKey, "alpha", .unauthorized, "revoked"),
            ] {
                try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(), body: formBody([("project", project), ("key", key)])) { response in
                    #expect(response.status == status, "\(message)")
                    #expect(response.headers[.setCookie] == nil, "no session for a refused key")
                    #expect(text(response).contains(message), "\(message)")
                    #expect(!text(response).contains(key) || key.isEmpty, "the key is not echoed")
                }
            }
            try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(),
                                     body: formBody([("project", "alpha"), ("key", String(repeating: "k", count: 20_000))])) { response in
                #expect(response.status == .contentTooLarge)
                #expect(text(response).contains("larger than 16 KiB"))
            }
            try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(), body: ByteBuffer(string: "project=alpha&key=%zz")) { response in
                #expect(response.status == .badRequest)
                #expect(text(response).contains("could not be read"))
            }
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions") == 0)

            // A form posted from another site is refused before it is read.
            try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders([("Origin", "http://evil.example")]),
                                     body: formBody([("project", "alpha"), ("key", harness.readKey)])) { response in
                #expect(response.status == .forbidden)
                #expect(text(response).contains("another site"))
                #expect(response.headers[.setCookie] == nil)
            }
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions") == 0)

            // The test client's requests are to http://localhost: a form of this server's own origin is taken.
            let cookie = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders([("Origin", "http://localhost")]),
                                                  body: formBody([("project", " alpha "), ("key", harness.readKey)])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui")
                let setCookie = try #require(response.headers[.setCookie])
                let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict") && attributes.contains("Path=/ui"))
                #expect(attributes.contains("Max-Age=43200"))
                #expect(!attributes.contains("Secure"), "plain http: no Secure flag")
                let pair = try #require(attributes.first)
                #expect(pair.hasPrefix("vigil_session=") && pair.count == "vigil_session=".count + 64)
                return String(pair)
            }
            let token = String(cookie.dropFirst("vigil_session=".count))
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions") == 1)
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions WHERE session_hash = sha256(decode('\(token)', 'hex'))") == 1, "only the token's hash is stored")
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions WHERE expires_at BETWEEN now() + interval '11 hours 59 minutes' AND now() + interval '12 hours 1 minute'") == 1)

            try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders([("X-Forwarded-Proto", "https")]),
                                     body: formBody([("project", "alpha"), ("key", harness.adminKey)])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.hasSuffix("; Secure") == true, "https behind a proxy: Secure")
            }

            for (path, heading, message) in [
                ("/ui", "Overview", "No calls in this range yet"),
                ("/ui?range=7d", "Overview", "No calls in this range yet"),
                ("/ui/traces", "Traces", "No traces match"),
                ("/ui/drift", "Drift reports", "No drift reports in this range yet"),
                ("/ui/alerts", "Alerts", "Nothing is firing."),
            ] {
                try await client.execute(uri: path, method: .get, headers: pageHeaders(cookie: cookie)) { response in
                    #expect(response.status == .ok, "\(path)")
                    let page = text(response)
                    #expect(page.contains("<h1>\(heading)</h1>"), "\(path)")
                    #expect(page.contains(message), "\(path): the empty state")
                    #expect(page.contains("<a class=\"skip-link\" href=\"#main\">Skip to content</a>"), "\(path)")
                    #expect(page.contains("<nav aria-label=\"Main\">"), "\(path)")
                    #expect(page.contains("<main id=\"main\" tabindex=\"-1\">"), "\(path)")
                    #expect(!page.contains("<svg"), "\(path): no chart without data")
                    #expect(response.headers[.contentSecurityPolicy] != nil, "\(path)")
                }
            }
            for (path, status, message) in [
                ("/ui/traces/zz", HTTPResponse.Status.badRequest, "32 hex digits"),
                ("/ui/traces/\(String(repeating: "ab", count: 16))", .notFound, "no trace"),
                ("/ui/traces?status=maybe", .badRequest, "Status maybe must be"),
                ("/ui/traces?min_cost_usd=1e3", .badRequest, "Minimum cost 1e3"),
                ("/ui/traces?cursor=garbage", .badRequest, "cursor"),
                ("/ui?range=2y", .badRequest, "range=2y is not one of"),
                ("/ui?from=yesterday", .badRequest, "from=yesterday is not a time"),
                ("/ui/drift/abc", .badRequest, "positive number"),
                ("/ui/drift/99", .notFound, "no drift report 99"),
                ("/ui/nowhere", .notFound, "no page /ui/nowhere"),
            ] {
                try await client.execute(uri: path, method: .get, headers: pageHeaders(cookie: cookie)) { response in
                    #expect(response.status == status, "\(path)")
                    #expect(text(response).contains(message), "\(path)")
                    #expect(text(response).contains("<nav aria-label=\"Main\">"), "\(path): the error page keeps the navigation")
                }
            }
            try await client.execute(uri: "/ui/assets/vigil.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(text(response).contains(":focus-visible"))
                #expect(!text(response).contains("url("), "no external resource")
            }

            // Logout from another site is refused; from here it deletes the session and clears the cookie.
            try await client.execute(uri: "/ui/logout", method: .post, headers: formHeaders(cookie: cookie, [("Origin", "null")])) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions WHERE session_hash = sha256(decode('\(token)', 'hex'))") == 1)
            try await client.execute(uri: "/ui/logout", method: .post, headers: formHeaders(cookie: cookie)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login")
                #expect(response.headers[.setCookie]?.hasPrefix("vigil_session=; Path=/ui; Max-Age=0") == true)
            }
            #expect(try await harness.test.scalar("SELECT count(*) FROM ui_sessions WHERE session_hash = sha256(decode('\(token)', 'hex'))") == 0)
            try await client.execute(uri: "/ui/traces", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login")
            }
        }
    }

    @Test("a session ends when its key is revoked, and a forged or expired token is no session")
    func revocationAndForgery() async throws {
        let harness = try await UIHarness.make("uirevoke")
        try await harness.application.test(.router) { client in
            let cookie = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(), body: formBody([("project", "alpha"), ("key", harness.adminKey)])) { response in
                #expect(response.status == .seeOther)
                return String(try #require(response.headers[.setCookie]?.split(separator: ";").first))
            }
            try await client.execute(uri: "/ui/alerts", method: .get, headers: pageHeaders(cookie: cookie)) { #expect($0.status == .ok) }
            for forged in ["vigil_session=" + String(repeating: "0", count: 64), "vigil_session=short", "vigil_session=<script>"] {
                try await client.execute(uri: "/ui/alerts", method: .get, headers: pageHeaders(cookie: forged)) { response in
                    #expect(response.status == .seeOther, "\(forged)")
                    #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true, "\(forged): the stale cookie is cleared")
                }
            }
            try await harness.test.withConnection { connection in
                try await connection.query("UPDATE ui_sessions SET expires_at = now() - interval '1 second'", logger: harness.test.logger)
            }
            try await client.execute(uri: "/ui/alerts", method: .get, headers: pageHeaders(cookie: cookie)) { #expect($0.status == .seeOther, "expired") }
            try await harness.test.withConnection { connection in
                try await connection.query("UPDATE ui_sessions SET expires_at = now() + interval '1 hour'", logger: harness.test.logger)
            }
            try await client.execute(uri: "/ui/alerts", method: .get, headers: pageHeaders(cookie: cookie)) { #expect($0.status == .ok) }
            _ = try await harness.test.withConnection { connection in
                try await KeyStore.revoke(keyID: harness.adminKeyID, lookup: nil, on: connection, logger: harness.test.logger)
            }
            try await client.execute(uri: "/ui/alerts", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .seeOther, "the key was revoked: the session is over at once")
                #expect(response.headers[.location] == "/ui/login")
            }
        }
    }

    @Test("failed sign-ins are throttled per address: the 11th in a minute is a 429 with Retry-After, even with a good key")
    func throttle() async throws {
        let harness = try await UIHarness.make("uithrottle")
        let readKey = harness.readKey
        try await harness.application.test(.router) { client in
            for attempt in 1...10 {
                let status = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(),
                                                      body: formBody([("project", "alpha"), ("key", "vgl_wrong\(attempt)")])) { $0.status }
                #expect(status == .unauthorized, "attempt \(attempt)")
            }
            // An incomplete form is not a guess and is not counted; it is still answered.
            let incomplete = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(),
                                                      body: formBody([("project", "alpha"), ("key", "")])) { $0.status }
            #expect(incomplete == .tooManyRequests, "past the limit every sign-in waits")
            let (status, retryAfter, page, cookie) = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(),
                                                                              body: formBody([("project", "alpha"), ("key", readKey)])) { response in
                (response.status, response.headers[.retryAfter], text(response), response.headers[.setCookie])
            }
            #expect(status == .tooManyRequests)
            #expect(cookie == nil)
            let seconds = Int(retryAfter ?? "") ?? 0
            #expect((1...60).contains(seconds), "Retry-After: \(retryAfter ?? "none")")
            #expect(page.contains("Too many failed sign-ins"))
        }
    }

    @Test("the throttle forgets the least recently seen addresses past its bound, and a window's end lets an address try again")
    func throttleMemory() async {
        let clock = TestInstant()
        let throttle = SignInThrottle(configuration: .init(maxFailuresPerAddress: 2, maxFailuresPerProject: 1000, window: .seconds(60), maxTracked: 100),
                                      now: { clock.now })
        for address in 0..<1_000 {
            await throttle.recordFailure(address: "10.0.\(address / 256).\(address % 256)", project: "")
        }
        let tracked = await throttle.trackedCount
        #expect(tracked <= 100)
        await throttle.recordFailure(address: "192.0.2.1", project: "alpha")
        await throttle.recordFailure(address: "192.0.2.1", project: "alpha")
        let blocked = await throttle.retryAfter(address: "192.0.2.1", project: "alpha")
        #expect(blocked == 60)
        let other = await throttle.retryAfter(address: "192.0.2.2", project: "alpha")
        #expect(other == nil, "another address is not held back by the first one's failures")
        clock.advance(.seconds(61))
        let later = await throttle.retryAfter(address: "192.0.2.1", project: "alpha")
        #expect(later == nil)
    }
}

/// A settable instant for the throttle's clock.
final class TestInstant: Sendable {
    private let state = Mutex<ContinuousClock.Instant>(ContinuousClock.now)

    var now: ContinuousClock.Instant { state.withLock { $0 } }

    func advance(_ duration: Duration) {
        state.withLock { $0 = $0 + duration }
    }
}
