import Foundation
import Testing
import VigilDemo

@Suite("Traffic generator")
struct TrafficGeneratorTests {
    static let start: UInt64 = 1_764_000_000_000_000_000
    static let minute: UInt64 = 60_000_000_000

    /// `minutes` one-minute slices of traffic during `phases`.
    static func traffic(seed: UInt64 = 42, minutes: Int = 10, phases: Set<DemoPhase> = [], runNanos: UInt64 = 7) -> [DemoTrace] {
        let generator = TrafficGenerator(seed: seed)
        return (0..<minutes).flatMap { index in
            generator.traces(for: TrafficSlice(index: Int64(index), startNanos: start + UInt64(index) * minute, lengthNanos: minute,
                                               minutes: 1, phases: phases, runNanos: runNanos))
        }
    }

    static func llmSpans(_ traces: [DemoTrace], service: String? = nil, model: String? = nil) -> [DemoSpan] {
        traces.filter { service == nil || $0.service == service }.flatMap(\.spans).filter { span in
            guard span.attributes["gen_ai.request.model"] != nil else { return false }
            return model == nil || (span.model ?? "").hasPrefix(model!)
        }
    }

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = q * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }

    /// Everything but the ids, to compare traffic made under different ids.
    static func content(_ traces: [DemoTrace]) -> [String] {
        traces.flatMap(\.spans).map { span in
            let attributes = span.attributes.filter { !["gen_ai.response.id", "gen_ai.conversation.id", "gen_ai.tool.call.id", "gen_ai.output.messages"].contains($0.key) }
            return "\(span.name)|\(span.startNanos)|\(span.endNanos)|\(span.errorMessage ?? "")|\(attributes)"
        }
    }

    @Test("the same seed gives the same traffic; another seed other traffic")
    func reproducible() {
        let first = Self.traffic(seed: 42, minutes: 3)
        let again = Self.traffic(seed: 42, minutes: 3)
        let other = Self.traffic(seed: 43, minutes: 3)
        #expect(first == again)
        #expect(Self.content(first) != Self.content(other))
    }

    @Test("a run's start changes the ids only")
    func idsPerRun() {
        let first = Self.traffic(minutes: 2, runNanos: 1)
        let second = Self.traffic(minutes: 2, runNanos: 2)
        #expect(Self.content(first) == Self.content(second))
        #expect(Set(first.map(\.traceID)).isDisjoint(with: Set(second.map(\.traceID))))
        #expect(first.map { $0.prompt?.vector } == second.map { $0.prompt?.vector })
    }

    @Test("every service and model, with the GenAI attributes Vigil reads")
    func attributes() throws {
        let traces = Self.traffic(minutes: 10) + Self.traffic(minutes: 1, phases: [.costSpike])
        #expect(Set(traces.map(\.service)) == Set(TrafficGenerator.services))
        let spans = Self.llmSpans(traces)
        let models = Set(spans.compactMap(\.model).map(Self.normalised))
        #expect(models == Set(TrafficGenerator.models))
        for span in spans {
            #expect(span.attributes["gen_ai.operation.name"] != nil)
            #expect(span.attributes["gen_ai.provider.name"] != nil)
            if span.isError {
                #expect(span.attributes["error.type"] != nil)
                continue
            }
            #expect(span.tokens("gen_ai.usage.input_tokens") != nil, "\(span.name)")
            if span.attributes["gen_ai.operation.name"] == .string("chat") {
                #expect(span.tokens("gen_ai.usage.output_tokens") != nil, "\(span.name)")
                #expect(span.attributes["gen_ai.response.finish_reasons"] != nil, "\(span.name)")
                #expect(span.attributes["gen_ai.output.messages"] != nil, "\(span.name)")
            }
        }
        for span in Self.llmSpans(traces, service: "chat") where !span.isError {
            #expect(span.attributes["gen_ai.response.time_to_first_chunk"] != nil)
            #expect(span.attributes["gen_ai.input.messages"] != nil)
        }
        // Agent traces nest tools under the agent and calls under the tools.
        let agent = try #require(traces.first { $0.service == "agent-worker" && $0.spans.count > 5 })
        let root = try #require(agent.root)
        #expect(root.attributes["gen_ai.operation.name"] == .string("invoke_agent"))
        let tool = try #require(agent.spans.first { $0.attributes["gen_ai.operation.name"] == .string("execute_tool") })
        #expect(tool.parentSpanID == root.spanID)
        #expect(agent.spans.contains { $0.parentSpanID == tool.spanID })
        // Children lie inside their parents, and every trace ends inside its slice.
        for trace in traces {
            let byID = Dictionary(uniqueKeysWithValues: trace.spans.map { ($0.spanID, $0) })
            for span in trace.spans {
                #expect(span.traceID.count == 32 && span.spanID.count == 16)
                if let parent = span.parentSpanID.flatMap({ byID[$0] }) {
                    #expect(parent.startNanos <= span.startNanos && span.endNanos <= parent.endNanos, "\(span.name) in \(parent.name)")
                }
            }
        }
        // The built-in checks have something to find now and then.
        let outputs = spans.compactMap { span -> String? in
            if case .string(let text)? = span.attributes["gen_ai.output.messages"] { return text }
            return nil
        }
        #expect(outputs.contains { $0.contains("I'm sorry, but I can't") || $0.contains("I can't help with") })
        #expect(spans.contains { $0.attributes["gen_ai.response.finish_reasons"] == .strings(["length"]) })
        #expect(spans.contains { $0.attributes["gen_ai.output.type"] == .string("json") })
        // Prompts are embedded and answers evaluated.
        #expect(traces.filter { $0.prompt != nil }.count > traces.count / 2)
        #expect(traces.contains { $0.evaluations.contains { $0.name == "relevance" } })
        #expect(traces.allSatisfy { $0.prompt.map { $0.vector.count == 64 } ?? true })
    }

    static func normalised(_ model: String) -> String {
        var name = model
        for suffix in ["-2024-07-18", "-2025-04-14", "-20241022", "-20250514", "-001", "-2503", "-latest"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name
    }

    @Test("normal chat latency stays under the 2 s of ChatLatencyHigh; the incident slows gpt-4o-mini only")
    func latencyIncident() {
        let normal = Self.traffic(minutes: 60)
        for model in ["gpt-4o-mini", "claude-3-5-haiku"] {
            let p95 = Self.percentile(Self.llmSpans(normal, service: "chat", model: model).map(\.durationMilliseconds), 0.95)
            #expect(p95 < 1_800, "normal p95 of \(model) is \(p95) ms")
        }
        let roots = normal.filter { $0.service == "chat" }.compactMap(\.root).map(\.durationMilliseconds)
        #expect(Self.percentile(roots, 0.95) < 1_850)

        let incident = Self.traffic(minutes: 5, phases: [.latencyIncident])
        let slow = Self.llmSpans(incident, service: "chat", model: "gpt-4o-mini").map(\.durationMilliseconds)
        #expect(Self.percentile(slow, 0.5) > 2_500)
        #expect(slow.filter { $0 > 2_000 }.count > slow.count * 9 / 10)
        let calm = Self.traffic(minutes: 5)
        #expect(Self.llmSpans(incident, service: "chat", model: "claude-3-5-haiku") == Self.llmSpans(calm, service: "chat", model: "claude-3-5-haiku"))
        #expect(incident.filter { $0.service != "chat" } == calm.filter { $0.service != "chat" })
    }

    @Test("the error burst fails agent-worker's claude-sonnet-4 calls, and nothing else")
    func errorBurst() {
        let burst = Self.traffic(minutes: 5, phases: [.errorBurst])
        let calm = Self.traffic(minutes: 5)
        let sonnet = Self.llmSpans(burst, service: "agent-worker", model: "claude-sonnet-4")
        let failed = sonnet.filter(\.isError)
        #expect(Double(failed.count) / Double(sonnet.count) > 0.3)
        #expect(failed.allSatisfy { $0.attributes["error.type"] == .string("overloaded_error") })
        #expect(burst.contains { $0.service == "agent-worker" && $0.root?.isError == true })
        #expect(Self.llmSpans(calm, service: "agent-worker", model: "claude-sonnet-4").allSatisfy { !$0.isError })
        #expect(burst.filter { $0.service != "agent-worker" } == calm.filter { $0.service != "agent-worker" })
        // Normal error rates stay far below HighErrorRate's 5%.
        let normal = Self.llmSpans(Self.traffic(minutes: 60))
        #expect(Double(normal.filter(\.isError).count) / Double(normal.count) < 0.01)
    }

    @Test("the cost spike adds claude-opus-4 calls worth more than HourlySpendHigh's $50")
    func costSpike() {
        let generator = TrafficGenerator(seed: 42)
        let timeline = DemoTimeline.standard
        let window = timeline.window(of: .costSpike)!
        let beat: UInt64 = 15_000_000_000
        let spike = (window.start..<window.end).flatMap { index in
            generator.traces(for: TrafficSlice(index: Int64(index), startNanos: Self.start + UInt64(index) * beat, lengthNanos: beat,
                                               minutes: 0.25, phases: timeline.phases(atBeat: index)))
        }
        let opus = Self.llmSpans(spike, model: "claude-opus-4")
        let cost = opus.reduce(Decimal(0)) { total, span in
            total + Decimal(span.tokens("gen_ai.usage.input_tokens") ?? 0) * 15 / 1_000_000 + Decimal(span.tokens("gen_ai.usage.output_tokens") ?? 0) * 75 / 1_000_000
        }
        #expect(cost > 50, "the spike costs $\(cost)")
        #expect(opus.allSatisfy { $0.tokens("gen_ai.usage.output_tokens")! >= 2_200 })
        #expect(Self.llmSpans(Self.traffic(minutes: 30), model: "claude-opus-4").isEmpty)
        // The normal hour of agent-worker stays under the threshold.
        let hour = Self.llmSpans(Self.traffic(minutes: 60), service: "agent-worker")
        let normalCost = hour.reduce(0.0) { total, span in
            let input = Double(span.tokens("gen_ai.usage.input_tokens") ?? 0), output = Double(span.tokens("gen_ai.usage.output_tokens") ?? 0)
            let price: (Double, Double) = switch Self.normalised(span.model ?? "") {
            case "claude-sonnet-4": (3, 15)
            case "gpt-4.1-mini": (0.4, 1.6)
            default: (0.1, 0.3)
            }
            return total + (input * price.0 + output * price.1) / 1_000_000
        }
        #expect(normalCost < 35, "a normal hour of agent-worker costs $\(normalCost)")
    }

    @Test("the topic drift brings a surge of coding questions; normal traffic has none")
    func topicDrift() {
        let drift = Self.traffic(minutes: 5, phases: [.topicDrift])
        let calm = Self.traffic(minutes: 5)
        let driftPrompts = drift.compactMap(\.prompt)
        let calmPrompts = calm.compactMap(\.prompt)
        #expect(calmPrompts.allSatisfy { $0.topic != .coding })
        #expect(Double(driftPrompts.filter { $0.topic == .coding }.count) / Double(driftPrompts.count) > 0.75)
        #expect(Double(drift.filter { $0.service == "chat" }.count) > 2 * Double(calm.filter { $0.service == "chat" }.count))
        let coding = drift.filter { $0.prompt?.topic == .coding && $0.service == "chat" }
        #expect(coding.contains { trace in
            trace.spans.contains { span in
                if case .string(let text)? = span.attributes["gen_ai.output.messages"] { return text.contains("I can't help with writing code") }
                return false
            }
        })
    }

    @Test("a beat holds a quarter of a minute of traffic however long it lasts")
    func beats() {
        let generator = TrafficGenerator(seed: 5)
        let short = (0..<40).flatMap { index in
            generator.traces(for: TrafficSlice(index: Int64(index), startNanos: Self.start + UInt64(index) * 2_000_000_000, lengthNanos: 2_000_000_000, minutes: 0.25))
        }
        let expected = 10.0 * (32 + 16 + 6)
        #expect(abs(Double(short.count) - expected) < expected * 0.1)
        #expect(short.allSatisfy { $0.endNanos >= Self.start && $0.endNanos < Self.start + 80_000_000_000 })
    }
}
