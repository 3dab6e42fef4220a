import VigilProjections
import Foundation
import Testing
@testable import VigilProcessors

@Suite("Built-in output checks")
struct OutputChecksTests {
    /// One span's check scores by name (1 when the problem is present), as the quality rows the
    /// processor makes of them.
    func scores(_ output: String?, reasons: [String] = ["stop"], json: Bool = false) -> [String: Int] {
        guard let findings = OutputChecks.check(output: output, finishReasons: reasons, jsonRequested: json) else { return [:] }
        var totals = CheckTotals()
        totals.add(findings)
        return Dictionary(uniqueKeysWithValues: totals.rows.map { row in
            #expect(row.totals.count == 1 && row.totals.scored == 1, "\(row.name): one span, one score")
            return (row.name, NSDecimalNumber(decimal: row.totals.sum).intValue)
        })
    }

    @Test("a span without an output attribute is not checked")
    func noOutput() {
        #expect(scores(nil).isEmpty)
    }

    @Test("empty, refused, truncated and invalid JSON outputs are flagged; good ones are not")
    func flags() {
        #expect(scores("  \n") == ["check.empty_output": 1, "check.refusal": 0, "check.truncated": 0])
        #expect(scores("Paris is the capital of France.") == ["check.empty_output": 0, "check.refusal": 0, "check.truncated": 0])
        #expect(scores("I'm sorry, but I can't help with that request.")["check.refusal"] == 1)
        #expect(scores("Sure. I can't provide medical advice, but here is general information.")["check.refusal"] == 0, "only an output that opens with a refusal counts as one")
        #expect(scores("whatever", reasons: ["content_filter"])["check.refusal"] == 1)
        #expect(scores("The answer is", reasons: ["length"])["check.truncated"] == 1)
        #expect(scores("{\"a\": 1}", json: true)["check.invalid_json"] == 0)
        #expect(scores("{\"a\": 1", json: true)["check.invalid_json"] == 1)
        #expect(scores("{\"a\": 1", json: false)["check.invalid_json"] == nil)
    }

    @Test("gen_ai.output.messages is read for its text parts; a tool call is not an empty output")
    func structuredMessages() {
        let text = #"[{"role":"assistant","parts":[{"type":"text","content":"I cannot help with that."}],"finish_reason":"stop"}]"#
        #expect(scores(text)["check.refusal"] == 1)
        let tool = #"[{"role":"assistant","parts":[{"type":"tool_call","id":"1","name":"lookup","arguments":{}}]}]"#
        #expect(scores(tool)["check.empty_output"] == 0)
        let empty = #"[{"role":"assistant","parts":[{"type":"text","content":""}]}]"#
        #expect(scores(empty)["check.empty_output"] == 1)
    }

    @Test("messages are read leniently: a field of another type counts as absent, tool_calls of any value is a tool call")
    func lenientMessages() {
        let openAI = #"[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function"}]}]"#
        #expect(scores(openAI)["check.empty_output"] == 0)
        let untyped = #"[{"parts":[{"content":"I can't help with that."}]}]"#
        #expect(scores(untyped)["check.refusal"] == 1, "a part without a type is text")
        let odd = #"[{"content":{"text":"x"},"parts":"none"}]"#
        #expect(scores(odd)["check.empty_output"] == 1, "no text and no tool call")
        #expect(scores("[1, 2, 3]")["check.empty_output"] == 0, "not messages: the attribute itself is the output")
        #expect(scores("[{\"content\": \"cut")["check.empty_output"] == 0, "not JSON: the attribute itself is the output")
    }

    @Test("a rollup row's checks add up across spans and rows; a row without LLM output reports no check")
    func totalsAcrossRows() {
        func findings(_ output: String, reasons: [String] = ["stop"], json: Bool = false) -> OutputChecks.Findings {
            OutputChecks.check(output: output, finishReasons: reasons, jsonRequested: json)!
        }
        var first = RollupTotals()
        first.add(isError: false, durationNanos: 1_000_000, ttftMillis: nil, input: 1, output: 1, cost: nil, findings: findings(""))
        first.add(isError: false, durationNanos: 1_000_000, ttftMillis: nil, input: 1, output: 1, cost: nil, findings: findings("{", json: true))
        var second = RollupTotals()
        second.add(isError: true, durationNanos: 1_000_000, ttftMillis: nil, input: nil, output: nil, cost: nil)
        #expect(second.checks.rows.isEmpty, "a span without output is not checked")
        second.add(isError: false, durationNanos: 1_000_000, ttftMillis: nil, input: 1, output: 1, cost: nil, findings: findings("It was", reasons: ["length"]))
        first.merge(second)
        #expect(first.checks == CheckTotals(outputs: 3, empty: 1, refusal: 0, truncated: 1, jsonChecked: 1, invalidJSON: 1))
        let rows = Dictionary(uniqueKeysWithValues: first.checks.rows.map { ($0.name, $0.totals) })
        #expect(rows["check.empty_output"] == QualityTotals(count: 3, scored: 3, sum: 1))
        #expect(rows["check.refusal"] == QualityTotals(count: 3, scored: 3, sum: 0))
        #expect(rows["check.truncated"] == QualityTotals(count: 3, scored: 3, sum: 1))
        #expect(rows["check.invalid_json"] == QualityTotals(count: 1, scored: 1, sum: 1), "only the output that asked for JSON")
    }
}
