import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilCore
import VigilEventLog
import VigilTestSupport
@testable import VigilWebUI

@Suite("Web view audit page")
struct AuditPageTests {
    @Test("an admin session sees the project's audit trail and the Audit link; a read session gets neither")
    func auditPage() async throws {
        let harness = try await UIHarness.make("uiaudit")
        let adminKey = harness.adminKey
        let readKey = harness.readKey
        try await harness.application.test(.router) { client in
            let adminLogin = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(), body: formBody([("project", "alpha"), ("key", adminKey)]))
            #expect(adminLogin.status == .seeOther)
            let adminCookie = String(adminLogin.headers[.setCookie]?.split(separator: ";").first ?? "")
            let readLogin = try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(), body: formBody([("project", "alpha"), ("key", readKey)]))
            #expect(readLogin.status == .seeOther)
            let readCookie = String(readLogin.headers[.setCookie]?.split(separator: ";").first ?? "")

            // The audit processor folds the audit events into the projection the page reads.
            try await harness.process()
            let page = try await client.execute(uri: "/ui/audit", method: .get, headers: pageHeaders(cookie: adminCookie))
            #expect(page.status == .ok)
            let html = text(page)
            #expect(html.contains("<h1>Audit trail</h1>"))
            #expect(html.contains("<a href=\"/ui/audit\" aria-current=\"page\">Audit</a>"))
            // The harness made alpha's keys with the CLI's KeyStore.create: each is an audited key.create.
            #expect(html.contains("key.create"))
            #expect(html.contains("Audited actions, newest first"))
            #expect(!html.contains(adminKey) && !html.contains(readKey), "no key's secret")

            let refused = try await client.execute(uri: "/ui/audit", method: .get, headers: pageHeaders(cookie: readCookie))
            #expect(refused.status == .forbidden)
            #expect(text(refused).contains("admin keys only"))
            let overview = try await client.execute(uri: "/ui", method: .get, headers: pageHeaders(cookie: readCookie))
            #expect(!text(overview).contains("href=\"/ui/audit\""), "a read session is not offered the page")
            let bad = try await client.execute(uri: "/ui/audit?range=2y", method: .get, headers: pageHeaders(cookie: adminCookie))
            #expect(bad.status == .badRequest)
        }
    }
}
