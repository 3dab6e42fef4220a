import Testing
import VigilAlerting

@Suite("Rules limited to projects")
struct RuleProjectsTests {
    /// A rule file with one rule, whose last line is `projectsLine` when given (line 11, from column 5).
    static func file(_ projectsLine: String?) -> RuleFile {
        var text = """
            receivers:
              - name: oncall
                url: http://127.0.0.1:9099/vigil
            rules:
              - name: Slow
                metric: latency_p95
                window: 5m
                comparison: ">"
                threshold: 2000
                receivers: [oncall]

            """
        if let projectsLine { text += "    " + projectsLine + "\n" }
        return RuleFile(path: "rules.yaml", contents: text)
    }

    static func check(_ projectsLine: String?) -> RuleCheckReport {
        RuleChecker.check([file(projectsLine)])
    }

    @Test("without projects a rule applies to every project")
    func everyProject() throws {
        let report = Self.check(nil)
        #expect(report.lines == [])
        let rule = try #require(report.ruleSet.rule(named: "Slow"))
        #expect(rule.scope == .allProjects)
        #expect(["checkout", "search", "a"].allSatisfy { rule.scope.includes(project: $0) })
    }

    @Test("projects: [a, b] limits a rule to those projects, flow or block style")
    func someProjects() throws {
        for line in ["projects: [checkout, search]", "projects:\n      - checkout\n      - \"search\""] {
            let report = Self.check(line)
            #expect(report.lines == [], "\(line)")
            let rule = try #require(report.ruleSet.rule(named: "Slow"))
            #expect(rule.scope == .projects(["checkout", "search"]))
            #expect(rule.scope.includes(project: "checkout") && rule.scope.includes(project: "search"))
            #expect(!rule.scope.includes(project: "billing"))
            #expect(!rule.scope.includes(project: "Checkout"))
        }
    }

    @Test("a malformed projects list is refused at its place with what to write instead", arguments: [
        ("projects: checkout", "rules.yaml:11:15: \"projects\" must be a list of project names (such as projects: [checkout, search]; leave \"projects\" out to apply the rule to every project), not \"checkout\""),
        ("projects: []", "rules.yaml:11:15: \"projects\" must name at least one project (such as projects: [checkout, search]; leave \"projects\" out to apply the rule to every project)"),
        ("projects: {checkout: true}", "rules.yaml:11:15: \"projects\" must be a list of project names (such as projects: [checkout, search]; leave \"projects\" out to apply the rule to every project), not a mapping"),
        ("projects: [checkout, \"has space\"]", "rules.yaml:11:26: \"has space\" in \"projects\" is not a project name (1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit)"),
        ("projects: [_instance]", "rules.yaml:11:16: \"_instance\" in \"projects\" is not a project name (1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit)"),
        ("projects: [checkout, checkout]", "rules.yaml:11:26: project \"checkout\" is listed twice in \"projects\""),
        ("projects: [[checkout]]", "rules.yaml:11:16: items of \"projects\" must be project names, not a list"),
    ])
    func malformed(line: String, expected: String) {
        let report = Self.check(line)
        #expect(report.lines == [expected])
        #expect(report.ruleSet.rule(named: "Slow") == nil)
    }

    @Test("projects: with nothing after it is refused, not read as every project")
    func emptyValue() {
        let report = Self.check("projects:")
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.message.hasPrefix("\"projects\" must be a list of project names") == true)
        #expect(report.ruleSet.rule(named: "Slow") == nil)
    }

    @Test("a misspelt projects key is an unknown key with a suggestion")
    func misspelt() {
        #expect(Self.check("project: [checkout]").lines == ["rules.yaml:11:5: unknown key \"project\" in a rule (did you mean \"projects\"?)"])
    }
}
