import Testing
import VigilSafety

@Suite("Redactor")
struct RedactorTests {
    let text = "Write to jo@example.com or call +49 30 12345678; card 4111-1111-1111-1111."

    @Test("mask mode writes typed placeholders and counts per kind")
    func mask() {
        let redactor = Redactor(policy: RedactionPolicy(mode: .mask), projectKey: Array("p1".utf8))
        let result = redactor.redact(text)
        #expect(result.text == "Write to <EMAIL> or call <PHONE>; card <CARD>.")
        #expect(result.counts[.email] == 1)
        #expect(result.counts[.phone] == 1)
        #expect(result.counts[.card] == 1)
        #expect(result.counts[.ssn] == 0)
    }

    @Test("hash mode: the same value gives the same token, another project's secret another token")
    func hash() throws {
        let first = Redactor(policy: RedactionPolicy(mode: .hash), projectKey: Array("project-one".utf8))
        let second = Redactor(policy: RedactionPolicy(mode: .hash), projectKey: Array("project-two".utf8))
        let a = first.redact("from Jo@Example.com").text
        let b = first.redact("to jo@example.com today").text
        let c = second.redact("from jo@example.com").text
        let tokenA = try #require(a.split(separator: " ").last.map(String.init))
        let tokenB = try #require(b.split(separator: " ").dropFirst().first.map(String.init))
        let tokenC = try #require(c.split(separator: " ").last.map(String.init))
        #expect(tokenA.hasPrefix("<EMAIL:"))
        #expect(tokenA.count == "<EMAIL:>".count + 12)
        #expect(tokenA == tokenB)
        #expect(tokenA != tokenC)
        #expect(!a.contains("example"))
    }

    @Test("project keys come from the server secret and differ by project")
    func projectKeys() {
        let policies = RedactionPolicies(defaultPolicy: RedactionPolicy(mode: .hash), serverSecret: Array("server-secret-0123456789".utf8))
        let one = policies.redactor(projectID: 1).redact("ip 10.0.0.1").text
        let oneAgain = policies.redactor(projectID: 1).redact("ip 10.0.0.1").text
        let two = policies.redactor(projectID: 2).redact("ip 10.0.0.1").text
        #expect(one == oneAgain)
        #expect(one != two)
        #expect(one.hasPrefix("ip <IP:"))
    }

    @Test("off mode changes nothing")
    func off() {
        let result = Redactor.disabled.redact(text)
        #expect(result.text == text)
        #expect(result.counts.isEmpty)
    }

    @Test("custom patterns become <NAME> and win over built-in kinds")
    func customPatterns() throws {
        let pattern = try CustomPattern(name: "employee_id", pattern: "EMP-[0-9]{6}")
        let redactor = Redactor(policy: RedactionPolicy(mode: .mask, customPatterns: [pattern]), projectKey: [1])
        let result = redactor.redact("badge EMP-123456, 🙂 mail ann@example.org")
        #expect(result.text == "badge <EMPLOYEE_ID>, 🙂 mail <EMAIL>")
        #expect(result.counts["employee_id"] == 1)
        #expect(result.counts[.email] == 1)
        #expect(throws: (any Error).self) { try CustomPattern(name: "bad name", pattern: "x") }
        #expect(throws: (any Error).self) { try CustomPattern(name: "EMPTY", pattern: "a*") }
        #expect(throws: (any Error).self) { try CustomPattern(name: "BROKEN", pattern: "([") }
    }

    @Test("deny and allow lists: exact names and prefixes, deny winning")
    func attributeLists() {
        let policy = RedactionPolicy(
            mode: .mask,
            allowedAttributes: ["service.name", "http.*", "user.email"],
            deniedAttributes: ["user.*", "db.statement"]
        )
        #expect(policy.rule(forAttribute: "db.statement") == .deny)
        #expect(policy.rule(forAttribute: "user.email") == .deny)
        #expect(policy.rule(forAttribute: "http.url") == .allow)
        #expect(policy.rule(forAttribute: "service.name") == .allow)
        #expect(policy.rule(forAttribute: "gen_ai.input.messages") == .scan)
        #expect(RedactionPolicy().rule(forAttribute: "service.name") == .allow)
    }
}
