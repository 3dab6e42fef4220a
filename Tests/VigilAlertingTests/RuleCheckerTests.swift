import Foundation
import Testing
import VigilAlerting
import VigilProjections

@Suite("Rule files and the checker")
struct RuleCheckerTests {
    /// The lines `vigil rules check` would print for these fixtures (with the shared receivers file).
    func check(_ names: [String], withReceivers: Bool = true, environment: [String: String]? = nil) throws -> [String] {
        var files: [RuleFile] = []
        for name in (withReceivers ? ["receivers.yaml"] : []) + names {
            let text = try String(contentsOfFile: PackagePaths.fixtures + "/" + name, encoding: .utf8)
            files.append(RuleFile(path: "Fixtures/" + name, contents: text))
        }
        return RuleChecker.check(files, environment: environment).lines
    }

    @Test("every example in alerts/ passes the checker")
    func examplesPass() throws {
        let (files, readProblems) = RuleFile.read(paths: [PackagePaths.examples])
        #expect(readProblems.isEmpty)
        #expect(files.count == 9)
        let report = RuleChecker.check(files)
        #expect(report.lines == [])
        let set = try RuleChecker.load(files)
        #expect(set.receivers.map(\.name) == ["oncall", "team-chat", "alertmanager"])
        // One rule per kind at least, and the SLOs' generated burn-rate rules.
        let metrics = Set(set.rules.map(\.metric))
        for metric: AlertMetric in [.latencyP95, .ttftP90, .errorRate, .requestCount, .costUSD, .outputTokens, .inputTokens,
                                    .qualityMean, .checkRate, .driftPSIMax, .driftFlag, .burnRate, .budgetBurn] {
            #expect(metrics.contains(metric), "no example uses \(metric.rawValue)")
        }
        #expect(set.rule(named: "chat-availability-burn-page") != nil)
        #expect(set.rule(named: "chat-latency-burn-ticket") != nil)
        #expect(set.rule(named: "ChatAvailabilitySlowBurn")?.slo?.objective == 99.5)
    }

    @Test("an example rule reads into the model with every field")
    func latencyExample() throws {
        let (files, _) = RuleFile.read(paths: [PackagePaths.examples])
        let set = try RuleChecker.load(files)
        let rule = try #require(set.rule(named: "ChatLatencyHigh"))
        #expect(rule.metric == .latencyP95)
        #expect(rule.filter == [.service: ["chat"]])
        #expect(rule.by == [.model])
        #expect(rule.windows == [.seconds(300)])
        #expect(rule.comparison == .greaterThan)
        #expect(rule.threshold == 2000)
        #expect(rule.holdDuration == .seconds(120))
        #expect(rule.keepFiringFor == .seconds(300))
        #expect(rule.severity == "page")
        #expect(rule.labels == ["team": "llm-platform"])
        #expect(rule.receivers == ["oncall", "alertmanager"])
        #expect(rule.grouping == GroupingOptions(groupBy: ["alertname", "service"], groupWait: .seconds(30), groupInterval: .seconds(300), repeatInterval: .seconds(14_400)))
        #expect(rule.source?.description.hasSuffix("alerts/latency.yaml:3:5") == true)
        let labels = rule.alertLabels(series: ["model": "gpt-4o", "operation": "ignored"])
        #expect(labels == ["alertname": "ChatLatencyHigh", "service": "chat", "model": "gpt-4o", "severity": "page", "team": "llm-platform"])
        #expect(rule.renderedAnnotations(value: 2345.6, labels: labels)["summary"] == "p95 latency of chat (gpt-4o) is 2346 ms")

        let hook = try #require(set.receiver(named: "oncall"))
        #expect(hook.kind == .webhook)
        #expect(hook.secretEnv == "VIGIL_ONCALL_WEBHOOK_SECRET")
        #expect(hook.headers == ["X-Team": "llm-platform"])
        #expect(hook.secret(in: ["VIGIL_ONCALL_WEBHOOK_SECRET": "s3cret"]) == "s3cret")
        #expect(hook.secret(in: [:]) == nil)
        let manager = try #require(set.receiver(named: "alertmanager"))
        #expect(manager.endpoint?.absoluteString == "http://127.0.0.1:9093/api/v2/alerts")
        #expect(manager.timeout == .seconds(5))
        #expect(set.receiver(named: "team-chat")?.sendResolved == false)
        #expect(set.receiver(named: "team-chat")?.maxAlerts == 10)
    }

    @Test("with the environment, an unset secret_env is a problem")
    func missingSecret() throws {
        let (files, _) = RuleFile.read(paths: [PackagePaths.examples])
        let lines = RuleChecker.check(files, environment: [:]).lines
        #expect(lines.count == 1)
        #expect(lines.first?.hasSuffix("alerts/receivers.yaml:8:17: environment variable VIGIL_ONCALL_WEBHOOK_SECRET, named by secret_env of receiver \"oncall\", is not set") == true)
        #expect(RuleChecker.check(files, environment: ["VIGIL_ONCALL_WEBHOOK_SECRET": "x"]).isValid)
    }

    @Test("a YAML syntax error points at libyaml's mark")
    func syntaxError() throws {
        #expect(try check(["syntax-error.yaml"]) == [
            "Fixtures/syntax-error.yaml:7:1: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at 5:16)",
        ])
    }

    @Test("an unknown metric names the closest one and the whole set")
    func unknownMetric() throws {
        let metrics = AlertMetric.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(try check(["unknown-metric.yaml"]) == [
            "Fixtures/unknown-metric.yaml:3:13: unknown metric \"latency_p42\" (did you mean \"latency_p50\"?); metrics: \(metrics)",
            "Fixtures/unknown-metric.yaml:9:13: unknown metric \"cost\"; metrics: \(metrics)",
        ])
    }

    @Test("bad durations are each reported at their value")
    func badDurations() throws {
        #expect(try check(["bad-duration.yaml"]) == [
            "Fixtures/bad-duration.yaml:4:13: bad duration \"5 minutes\" for \"window\": expected a whole number and a unit such as 30s, 5m, 2h, 28d or 1h30m",
            "Fixtures/bad-duration.yaml:7:10: bad duration \"1.5h\" for \"for\": expected a whole number and a unit such as 30s, 5m, 2h, 28d or 1h30m",
            "Fixtures/bad-duration.yaml:8:22: bad duration \"30m1h\" for \"keep_firing_for\": expected a whole number and a unit such as 30s, 5m, 2h, 28d or 1h30m",
            "Fixtures/bad-duration.yaml:9:21: \"group_interval\" must be longer than 0s",
        ])
    }

    @Test("unknown receivers are reported where they are named, for rules and SLOs")
    func unknownReceiver() throws {
        #expect(try check(["unknown-receiver.yaml"]) == [
            "Fixtures/unknown-receiver.yaml:7:25: unknown receiver \"pager\" (receivers: oncall)",
            "Fixtures/unknown-receiver.yaml:12:17: unknown receiver \"slack\" (receivers: oncall)",
        ])
        #expect(try check(["unknown-receiver.yaml"], withReceivers: false).first == "Fixtures/unknown-receiver.yaml:7:17: unknown receiver \"oncall\" (no receivers are defined)")
    }

    @Test("a burn_rate rule must name a defined SLO; other metrics take no SLO")
    func unknownSLO() throws {
        #expect(try check(["unknown-slo.yaml"]) == [
            "Fixtures/unknown-slo.yaml:9:10: unknown SLO \"chat-availabilty\" (SLOs: chat-availability)",
            "Fixtures/unknown-slo.yaml:16:5: \"slo\" applies only to metric burn_rate",
        ])
    }

    @Test("names are unique across files, generated SLO rules included")
    func duplicates() throws {
        #expect(try check(["duplicate-a.yaml", "duplicate-b.yaml"]) == [
            "Fixtures/duplicate-b.yaml:2:11: duplicate receiver name \"oncall\" (first defined at Fixtures/receivers.yaml:2:11)",
            "Fixtures/duplicate-b.yaml:5:11: duplicate rule name \"SameName\" (first defined at Fixtures/duplicate-a.yaml:2:11)",
            "Fixtures/duplicate-b.yaml:12:11: SLO \"chat\" generates rule \"chat-burn-page\", which is already defined (first defined at Fixtures/duplicate-a.yaml:8:11)",
        ])
    }

    @Test("missing required fields are reported at the item, misspelt keys with a suggestion")
    func missingFields() throws {
        #expect(try check(["missing-fields.yaml"]) == [
            "Fixtures/missing-fields.yaml:2:5: missing required field \"comparison\" in rule \"Incomplete\"",
            "Fixtures/missing-fields.yaml:2:5: missing required field \"threshold\" in rule \"Incomplete\"",
            "Fixtures/missing-fields.yaml:5:5: unknown key \"treshold\" in a rule (did you mean \"threshold\"?)",
            "Fixtures/missing-fields.yaml:7:5: missing required field \"name\" in a rule",
            "Fixtures/missing-fields.yaml:12:5: missing required field \"slo\" in rule \"BurnWithoutSLO\" (metric burn_rate measures an SLO's error budget)",
            "Fixtures/missing-fields.yaml:22:7: missing required field \"threshold_ms\" in the sli of SLO \"latency\" (type latency)",
        ])
    }

    @Test("unknown keys anywhere, with suggestions")
    func unknownKeys() throws {
        #expect(try check(["unknown-keys.yaml"]) == [
            "Fixtures/unknown-keys.yaml:1:1: unknown key \"recievers\" in the top level of a rule file (did you mean \"receivers\"?)",
            "Fixtures/unknown-keys.yaml:6:5: unknown key \"metrc\" in a rule (did you mean \"metric\"?)",
            "Fixtures/unknown-keys.yaml:12:5: unknown key \"group_wiat\" in a rule (did you mean \"group_wait\"?)",
            "Fixtures/unknown-keys.yaml:14:7: unknown filter dimension \"servise\" (dimensions: service, model, operation, status, feature, name); did you mean \"service\"?",
        ])
    }

    @Test("values of the wrong kind or out of range")
    func badValues() throws {
        #expect(try check(["bad-values.yaml"]) == [
            "Fixtures/bad-values.yaml:4:10: \"url\" must be an absolute http:// or https:// URL, not \"ftp://example.com/hook\"",
            "Fixtures/bad-values.yaml:5:17: \"secret_env\" names an environment variable (letters, digits and _), not \"my-secret\"; the secret itself never goes in the file",
            "Fixtures/bad-values.yaml:7:7: header \"X-Vigil-Signature\" is set by Vigil and cannot be overridden",
            "Fixtures/bad-values.yaml:11:5: \"send_resolved\" does not apply to alertmanager receivers (Alertmanager does its own)",
            "Fixtures/bad-values.yaml:13:11: unknown receiver type \"sms\" (types: webhook, alertmanager, slack, pagerduty)",
            "Fixtures/bad-values.yaml:19:7: filter \"feature\" does not apply to metric error_rate (it takes service, model, operation)",
            "Fixtures/bad-values.yaml:22:16: error_rate is a ratio from 0 to 1, so threshold 5 is out of range (5% is 0.05)",
            "Fixtures/bad-values.yaml:27:17: \"comparison\": a bare > or | starts a YAML block; quote it: comparison: \">\"",
            "Fixtures/bad-values.yaml:33:13: unknown check \"check.hallucination\" (built-in checks: check.empty_output, check.refusal, check.truncated, check.invalid_json)",
            "Fixtures/bad-values.yaml:38:16: bad template in annotation \"summary\": unknown variable \"$valeu\" (use $value or $labels.NAME)",
            "Fixtures/bad-values.yaml:40:7: label \"severity\" has a field of its own; set \"severity\" instead",
            "Fixtures/bad-values.yaml:43:13: metric quality_mean needs filter \"name\" (the score's name)",
            "Fixtures/bad-values.yaml:44:19: unknown by dimension \"region\" (dimensions: service, model, operation, status, feature, name)",
            "Fixtures/bad-values.yaml:47:16: \"threshold\" must be a number, not \"abc\"",
            "Fixtures/bad-values.yaml:51:16: \"objective\" is a percentage between 0 and 100 (99.5 for 99.5%), not 150",
            "Fixtures/bad-values.yaml:54:13: unknown sli type \"availability\" (types: errors — the success ratio — and latency)",
        ])
    }

    @Test("a key given twice is a YAML error at the key")
    func duplicateKey() throws {
        #expect(try check(["duplicate-key.yaml"]) == [
            "Fixtures/duplicate-key.yaml:4:5: duplicate key \"window\" in a mapping",
        ])
    }

    @Test("the top level must be a mapping; an empty file is fine")
    func topLevel() throws {
        #expect(try check(["not-a-mapping.yaml"]) == [
            "Fixtures/not-a-mapping.yaml:1:1: the top level of a rule file must be a mapping (key: value lines), not a list",
        ])
        #expect(RuleChecker.check([RuleFile(path: "empty.yaml", contents: "# nothing yet\n")]).isValid)
    }

    @Test("load throws every problem; unreadable paths are problems too")
    func loadThrows() throws {
        let files = [RuleFile(path: "a.yaml", contents: "rules:\n  - name: X\n")]
        #expect(throws: RuleCheckFailure.self) { try RuleChecker.load(files) }
        let (read, problems) = RuleFile.read(paths: ["/nonexistent/alerts"])
        #expect(read.isEmpty)
        #expect(problems.map(\.description) == ["/nonexistent/alerts:1:1: no such file or directory"])
    }

    @Test("a file that is not YAML does not make every reference look broken")
    func syntaxErrorSuppressesReferences() throws {
        let lines = try check(["syntax-error.yaml", "unknown-receiver.yaml"], withReceivers: false)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("YAML syntax error") == true)
    }

    @Test("a rule watches LLM calls unless its kind says otherwise; a bad kind, or a kind on a drift metric, is a problem")
    func spanKinds() throws {
        func rule(_ name: String, metric: String = "latency_p95", kind: String?) -> String {
            """
              - name: \(name)
                metric: \(metric)
            \(kind.map { "    kind: \($0)\n" } ?? "")    window: 5m
                comparison: ">"
                threshold: 1
                receivers: [oncall]

            """
        }
        let receivers = RuleFile(path: "receivers.yaml", contents: "receivers:\n  - name: oncall\n    url: http://127.0.0.1:9099/vigil\n")
        let good = RuleFile(path: "kinds.yaml", contents: "rules:\n" + rule("Calls", kind: nil) + rule("Tools", kind: "tool") + rule("Agents", kind: "agent")
            + rule("Everything", kind: "all") + rule("Requests", metric: "error_rate", kind: "other"))
        let set = try RuleChecker.load([receivers, good])
        let kinds = set.rules.reduce(into: [String: String]()) { $0[$1.name] = $1.kind?.rawValue ?? "all" }
        #expect(kinds == ["Calls": "llm", "Tools": "tool", "Agents": "agent", "Everything": "all", "Requests": "other"])
        let bad = RuleFile(path: "bad-kinds.yaml", contents: "rules:\n" + rule("Http", kind: "http") + rule("Drift", metric: "drift_flag", kind: "llm"))
        let lines = RuleChecker.check([receivers, bad]).lines
        #expect(lines == [
            "bad-kinds.yaml:4:11: \"kind\" must be one of llm, tool, agent, other, all, not \"http\"",
            "bad-kinds.yaml:11:5: \"kind\" does not apply to metric drift_flag (drift reads no spans)",
        ])
    }
}
