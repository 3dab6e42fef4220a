import VigilProjections
import VigilQueries
import Foundation
import Logging
import PostgresNIO
import Testing
import VigilCore
import VigilEventLog
import VigilProcessors
import VigilStats
import VigilTestSupport

/// One synthetic span (an LLM call, a tool call, an agent run or a plain request), and what the
/// test knows about it.
struct SyntheticSpan {
    var service: String
    var model: String?
    var operation: String
    var error: Bool
    var startMicros: Int64
    var durationNanos: Int64
    var inputTokens: Int64?
    var outputTokens: Int64?
    var ttftSeconds: Double?
    /// The LLM call's output and finish reason, for the built-in checks.
    var output: (text: String, finishReason: String)? = nil
    /// Cache reads, cache writes and reasoning tokens (parts of the totals).
    var parts: (cacheRead: Int64, cacheWrite: Int64, reasoning: Int64)? = nil
    /// The cost the app reported.
    var reportedCost: Double? = nil

    /// The rollups' kind of the span, written out here rather than asked of `SpanKind`.
    var kind: String {
        if model != nil { return "llm" }
        switch operation {
        case "execute_tool": return "tool"
        case "invoke_agent": return "agent"
        default: return "other"
        }
    }

    func event(project: Int64, index: Int) -> NewEvent {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("service", service)
        writer.string("trace_id", String(format: "%032x", index))
        writer.string("span_id", String(format: "%016x", index))
        writer.string("name", "\(operation) \(model ?? "")")
        writer.int("duration_ns", durationNanos)
        writer.beginObject("status")
        writer.string("code", error ? "error" : "ok")
        writer.endObject()
        writer.beginObject("attributes")
        if let ttftSeconds { writer.double("gen_ai.server.time_to_first_token", ttftSeconds) }
        if let output { writer.string("gen_ai.completion", output.text) }
        writer.endObject()
        if model == nil, !operation.isEmpty {
            writer.beginObject("genai")
            writer.string("dialect", "opentelemetry")
            writer.string("operation", operation)
            writer.endObject()
        }
        if let model {
            writer.beginObject("genai")
            writer.string("operation", operation)
            writer.string("provider", "openai")
            writer.string("response_model", model)
            if let inputTokens { writer.int("input_tokens", inputTokens) }
            if let outputTokens { writer.int("output_tokens", outputTokens) }
            if let parts {
                writer.int("cached_input_tokens", parts.cacheRead)
                writer.int("cache_creation_input_tokens", parts.cacheWrite)
                writer.int("reasoning_output_tokens", parts.reasoning)
            }
            if let reportedCost { writer.double("reported_cost_usd", reportedCost) }
            if let output {
                writer.beginArray("finish_reasons")
                writer.string(nil, output.finishReason)
                writer.endArray()
            }
            writer.endObject()
        }
        writer.endObject()
        var key = withUnsafeBytes(of: Int64(index).bigEndian, Array.init)
        key += [UInt8](repeating: 7, count: 16)
        return NewEvent(projectID: project, kind: .span, occurredAtMicros: startMicros, dedupKey: key, body: writer.bytes)
    }
}

func syntheticSpans(count: Int, seed: UInt64, startMicros: Int64, spacingMicros: Int64 = 1_700_000) -> [SyntheticSpan] {
    var generator = SeededGenerator(seed: seed)
    let models: [String?] = ["gpt-4o-2024-08-06", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "in-house-llm", nil]
    return (0..<count).map { index in
        let model = models[Int(generator.next() % UInt64(models.count))]
        let lognormal = exp(5.5 + 0.9 * sqrt(-2 * log(Double.random(in: 1e-12..<1, using: &generator))) * cos(2 * .pi * Double.random(in: 0..<1, using: &generator)))
        return SyntheticSpan(
            service: ["chat", "search", "agent"][index % 3],
            model: model,
            // Spans without a model: plain requests, tool calls and agent runs in turn.
            operation: model == nil ? ["", "execute_tool", "invoke_agent"][(index / 3) % 3] : "chat",
            error: generator.next() % 10 == 0,
            startMicros: startMicros + Int64(index) * spacingMicros,
            durationNanos: Int64(lognormal * 1_000_000),
            inputTokens: model == nil ? nil : Int64(generator.next() % 4000),
            outputTokens: model == nil ? nil : Int64(generator.next() % 800),
            ttftSeconds: model == nil ? nil : Double(generator.next() % 900) / 1000 + 0.05,
            output: model == nil ? nil : syntheticOutputs[index % syntheticOutputs.count]
        )
    }
}

/// LLM outputs the synthetic calls cycle through: a plain answer, an empty one, a refusal, one cut
/// off by the length limit, and a call that carried no output (not checked).
let syntheticOutputs: [(text: String, finishReason: String)?] = [
    ("Paris is the capital of France.", "stop"), ("", "stop"), ("I'm sorry, but I can't help with that.", "stop"),
    ("The answer begins with", "length"), nil,
]

func linearQuantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    let rank = q * Double(sorted.count - 1)
    let lower = Int(rank.rounded(.down))
    let fraction = rank - Double(lower)
    return lower + 1 < sorted.count ? sorted[lower] + (sorted[lower + 1] - sorted[lower]) * fraction : sorted[lower]
}

/// A processor that fails after doing its work, as if the process died before the commit.
struct CrashingProcessor: Processor {
    let inner: RollupProcessor
    var name: String { inner.name }
    var projectionTables: [String] { inner.projectionTables }
    func read(after: Int64, through: Int64, on connection: PostgresConnection, logger: Logger) async throws -> BatchFold {
        try await inner.read(after: after, through: through, on: connection, logger: logger)
    }
    func apply(_ batch: ProcessorBatch, input: BatchFold, on transaction: PostgresConnection, logger: Logger) async throws {
        try await inner.apply(batch, input: input, on: transaction, logger: logger)
        throw VigilError(.unavailable, "simulated crash in the middle of a batch")
    }
    func committed(_ batch: ProcessorBatch) { inner.committed(batch) }
    func rolledBack() { inner.rolledBack() }
}

/// Everything a summary group holds, exactly; a sketch's floating-point sum depends on the order
/// batches were merged in, so it is compared to nine significant digits.
func fingerprint(_ group: RollupReader.Group) -> String {
    func sketch(_ s: QuantileSketch) -> String {
        "\(s.buckets.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }) z\(s.zeroCount) n\(s.count) \(s.minimum) \(s.maximum) \(String(format: "%.9g", s.sum))"
    }
    let quality = group.quality.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.count)/\($0.value.scored)/\($0.value.sum)" }
    return "\(group.dimensions.map(\.1)) \(group.count) \(group.errors) \(group.skewed) \(group.inputTokens) \(group.outputTokens) \(group.costUSD) \(group.unpricedCalls) \(sketch(group.latency)) \(sketch(group.ttft)) \(quality)"
}

@Suite("Rollup processor on Postgres")
struct RollupProcessorTests {
    let start: Int64 = 1_764_400_000_000_000  // 2025-11-29T07:06:40Z

    func append(_ spans: [SyntheticSpan], project: Int64, offset: Int, test: TestDatabase) async throws {
        _ = try await test.withConnection { connection in
            return try await EventLogWriter.append(
                spans.enumerated().map { $0.element.event(project: project, index: offset + $0.offset) },
                on: connection, logger: test.logger
            ).outcome
        }
    }

    @Test("live rollups equal ground truth for several groupings and ranges; replay gives the same; a crash mid-batch counts nothing twice")
    func groundTruth() async throws {
        let test = try await TestDatabase.fresh("rollup")
        // 3,000 spans 97 s apart: three and a half days, so ranges read day, hour and minute rows.
        let spans = syntheticSpans(count: 3_000, seed: 11, startMicros: start, spacingMicros: 97_000_000)
        let processor = RollupProcessor(prices: shippedPrices)
        let runner = ProcessorRunner(processor: processor, database: test.database, batchSize: 700, logger: test.logger)

        // A first part; then another process takes a turn (the first runner's remembered rows are
        // then stale and must be forgotten); then a crashing runner, then the real one.
        try await append(Array(spans[..<1200]), project: 1, offset: 0, test: test)
        try await test.withConnection { try await runner.runToHead(on: $0) }
        try await append(Array(spans[1200..<1500]), project: 1, offset: 1200, test: test)
        let other = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: test.database, batchSize: 200, logger: test.logger)
        _ = try await test.withConnection { try await other.step(on: $0) }
        try await test.withConnection { try await runner.runToHead(on: $0) }
        try await append(Array(spans[1500...]), project: 1, offset: 1500, test: test)
        let crashing = ProcessorRunner(processor: CrashingProcessor(inner: processor), database: test.database, batchSize: 700, logger: test.logger)
        await #expect(throws: VigilError.self) { try await test.withConnection { try await crashing.runToHead(on: $0) } }
        try await test.withConnection { try await runner.runToHead(on: $0) }
        #expect(try await test.scalar("SELECT seq FROM consumer_offsets WHERE consumer = 'rollup'") == test.scalar("SELECT max(seq) FROM events"))

        let connection = try await test.database.connect()
        defer { Task { try? await connection.close() } }
        let reader = RollupReader(executor: connection, logger: test.logger)
        let ranges: [(Int64, Int64)] = [
            (start, start + 3_000 * 97_000_000), (start + 600_000_000, start + 30 * 3_600_000_000 + 17 * 60_000_000 + 5_000_000),
            (start + 17 * 60_000_000, start + 23 * 60_000_000), (start + 86_400_000_000, start + 2 * 86_400_000_000),
        ]
        let groupings: [[RollupReader.Dimension]] = [[], [.model], [.service, .model], [.status], [.kind], [.kind, .operation]]
        var live: [String] = []
        for (from, to) in ranges {
            let minuteFrom = from.floorDivided(by: 60_000_000) * 60_000_000 + (from % 60_000_000 == 0 ? 0 : 60_000_000)
            let minuteTo = to.floorDivided(by: 60_000_000) * 60_000_000 + (to % 60_000_000 == 0 ? 0 : 60_000_000)
            let inRange = spans.filter { $0.startMicros.floorDivided(by: 60_000_000) * 60_000_000 >= minuteFrom && $0.startMicros.floorDivided(by: 60_000_000) * 60_000_000 < minuteTo }
            for grouping in groupings {
                let groups = try await reader.summary(projectID: 1, fromMicros: from, toMicros: to, service: nil, model: nil, kind: nil, groupBy: grouping)
                var covered = 0
                for group in groups {
                    let members = inRange.filter { span in
                        group.dimensions.allSatisfy { dimension, value in
                            switch dimension {
                            case .service: span.service == value
                            case .model: (span.model.map(ModelName.normalise) ?? "") == value
                            case .operation: span.operation == value
                            case .status: (span.error ? "error" : "ok") == value
                            case .kind: span.kind == value
                            }
                        }
                    }
                    covered += members.count
                    #expect(group.count == Int64(members.count))
                    #expect(group.errors == Int64(members.filter(\.error).count))
                    #expect(group.inputTokens == members.compactMap(\.inputTokens).reduce(0, +))
                    #expect(group.outputTokens == members.compactMap(\.outputTokens).reduce(0, +))
                    var cost = Decimal(0)
                    var unpriced: Int64 = 0
                    for member in members where member.model != nil {
                        if let price = shippedPrices.cost(model: member.model!, atMicros: member.startMicros, usage: TokenUsage(input: member.inputTokens ?? 0, output: member.outputTokens ?? 0)) {
                            cost += price
                        } else {
                            unpriced += 1
                        }
                    }
                    #expect(group.costUSD == cost)
                    #expect(group.unpricedCalls == unpriced)
                    // The built-in checks, counted in the rollup rows: every LLM output checked once.
                    let outputs = members.compactMap(\.output)
                    let flagged: [(String, [(text: String, finishReason: String)])] = [
                        ("check.empty_output", outputs.filter { $0.text.isEmpty }),
                        ("check.refusal", outputs.filter { $0.text.hasPrefix("I'm sorry") }),
                        ("check.truncated", outputs.filter { $0.finishReason == "length" }),
                    ]
                    for (name, problems) in flagged {
                        let totals = group.quality[name]
                        #expect(totals?.count ?? 0 == Int64(outputs.count), "\(name) \(group.dimensions.map(\.1))")
                        #expect(totals?.scored ?? 0 == Int64(outputs.count))
                        #expect(totals?.sum ?? 0 == Decimal(problems.count), "\(name) \(group.dimensions.map(\.1))")
                    }
                    #expect(group.quality["check.invalid_json"] == nil, "no call asked for JSON")
                    let durations = members.map { Double($0.durationNanos) / 1_000_000 }
                    for q in [0.5, 0.95, 0.99] where !durations.isEmpty {
                        let exact = linearQuantile(durations, q)
                        #expect(abs(group.latency.quantile(q)! - exact) / exact <= 0.01, "p\(Int(q * 100)) \(group.dimensions.map(\.1))")
                    }
                    live.append(fingerprint(group))
                }
                #expect(covered == inRange.count, "the groups cover every span in the range")
            }
            // By default, the calls: LLM spans alone, their latency unmixed with the others'.
            let calls = inRange.filter { $0.model != nil }
            let llm = try await reader.summary(projectID: 1, fromMicros: from, toMicros: to, service: nil, model: nil, groupBy: [])
            #expect(llm.first?.count ?? 0 == Int64(calls.count))
            #expect(llm.first?.latency.count ?? 0 == UInt64(calls.count))
            for kind in SpanKind.allCases {
                let ofKind = try await reader.summary(projectID: 1, fromMicros: from, toMicros: to, service: nil, model: nil, kind: kind, groupBy: [])
                #expect(ofKind.first?.count ?? 0 == Int64(inRange.filter { $0.kind == kind.rawValue }.count), "\(kind)")
            }
        }
        #expect(spans.contains { $0.kind == "tool" } && spans.contains { $0.kind == "agent" } && spans.contains { $0.kind == "other" })
        #expect(try await reader.unpricedModels(projectID: 1).map(\.model) == ["in-house-llm"])

        // Replay from sequence zero rebuilds exactly the same rollups.
        try await test.withConnection { connection in
            try await runner.reset(on: connection)
            #expect(try await test.scalar("SELECT count(*) FROM rollup_minute") == 0)
            try await runner.runToHead(on: connection)
        }
        var replayed: [String] = []
        for (from, to) in ranges {
            for grouping in groupings {
                for group in try await reader.summary(projectID: 1, fromMicros: from, toMicros: to, service: nil, model: nil, kind: nil, groupBy: grouping) {
                    replayed.append(fingerprint(group))
                }
            }
        }
        #expect(replayed == live)
    }

    @Test("skewed clocks, spans without GenAI attributes and other projects are counted without disturbing totals")
    func edges() async throws {
        let test = try await TestDatabase.fresh("rollupedges")
        var spans = [
            SyntheticSpan(service: "chat", model: "gpt-4o", operation: "chat", error: false, startMicros: start, durationNanos: -5_000_000, inputTokens: 100, outputTokens: 10, ttftSeconds: nil),
            SyntheticSpan(service: "chat", model: "gpt-4o", operation: "chat", error: false, startMicros: start, durationNanos: 250_000_000, inputTokens: 100, outputTokens: 10, ttftSeconds: 0.1),
            SyntheticSpan(service: "web", model: nil, operation: "", error: true, startMicros: start, durationNanos: 1_000_000, inputTokens: nil, outputTokens: nil, ttftSeconds: nil),
            SyntheticSpan(service: "chat", model: "gpt-4o", operation: "chat", error: false, startMicros: 4_000_000_000_000_000, durationNanos: 1_000_000, inputTokens: 1, outputTokens: 1, ttftSeconds: nil),
        ]
        try await append(spans, project: 1, offset: 0, test: test)
        spans = [SyntheticSpan(service: "chat", model: "gpt-4o", operation: "chat", error: false, startMicros: start, durationNanos: 1_000_000, inputTokens: 5, outputTokens: 5, ttftSeconds: nil)]
        try await append(spans, project: 2, offset: 100, test: test)
        let runner = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: test.database, logger: test.logger)
        try await test.withConnection { try await runner.runToHead(on: $0) }
        let connection = try await test.database.connect()
        defer { Task { try? await connection.close() } }
        let reader = RollupReader(executor: connection, logger: test.logger)
        let now = try #require(try await reader.summary(projectID: 1, fromMicros: start - 60_000_000, toMicros: start + 60_000_000, service: "chat", model: "gpt-4o-2024-08-06", groupBy: []).first)
        #expect(now.count == 2)
        #expect(now.skewed == 1)
        #expect(now.latency.count == 1, "the skewed span stays out of the latency sketch")
        #expect(now.ttft.count == 1)
        #expect(abs(now.ttft.quantile(0.5)! - 100) <= 0.5)
        #expect(now.inputTokens == 200)
        let web = try #require(try await reader.summary(projectID: 1, fromMicros: start - 60_000_000, toMicros: start + 60_000_000, service: "web", model: nil, kind: .other, groupBy: [.model]).first)
        let webCalls = try await reader.summary(projectID: 1, fromMicros: start - 60_000_000, toMicros: start + 60_000_000, service: "web", model: nil, groupBy: [])
        #expect(webCalls.isEmpty, "a span without GenAI attributes is no LLM call")
        #expect(web.count == 1 && web.errors == 1 && web.unpricedCalls == 0 && web.dimensions.first?.1 == "")
        let future = try await reader.summary(projectID: 1, fromMicros: 3_999_999_000_000_000, toMicros: 4_000_001_000_000_000, service: nil, model: nil, groupBy: [])
        #expect(future.first?.count == 1)
        let other = try await reader.summary(projectID: 2, fromMicros: start - 60_000_000, toMicros: start + 60_000_000, service: nil, model: nil, groupBy: [])
        #expect(other.first?.count == 1 && other.first?.inputTokens == 5)
    }

    @Test("cache and reasoning tokens are priced in the rollups; the app's cost prices what Vigil cannot, never what it can")
    func tokenPartsAndReportedCost() async throws {
        let test = try await TestDatabase.fresh("rollupparts")
        func call(_ model: String, _ input: Int64, _ output: Int64) -> SyntheticSpan {
            SyntheticSpan(service: "chat", model: model, operation: "chat", error: false, startMicros: start, durationNanos: 1_000_000, inputTokens: input, outputTokens: output, ttftSeconds: nil)
        }
        var cached = call("claude-sonnet-4", 1000, 300)
        cached.parts = (600, 200, 120)
        var reported = call("in-house-llm", 10, 10)
        reported.reportedCost = 0.0042
        var overridden = call("gpt-4o", 100, 10)
        overridden.reportedCost = 99
        let byModel = try await rolledUpByModel([cached, reported, call("in-house-llm", 5, 5), overridden], test: test)
        // 200×3.00 + 600×0.30 + 200×3.75 + 300×15.00 per million.
        #expect(byModel["claude-sonnet-4"]?.costUSD == Decimal(string: "0.00603"))
        #expect(byModel["in-house-llm"]?.costUSD == Decimal(string: "0.0042"))
        #expect(byModel["in-house-llm"]?.unpricedCalls == 1, "the call without a reported cost stays unpriced")
        // 100×2.50 + 10×10.00 per million: the table's price, not the 99 dollars the app sent.
        #expect(byModel["gpt-4o"]?.costUSD == Decimal(string: "0.00035"))
        // The app's figure is kept beside Vigil's for the comparison; a cost standing in for a
        // missing price is no comparison.
        #expect(byModel["gpt-4o"]?.reportedCalls == 1)
        #expect(byModel["gpt-4o"]?.reportedAppCostUSD == 99)
        #expect(byModel["gpt-4o"]?.reportedVigilCostUSD == Decimal(string: "0.00035"))
        #expect(byModel["in-house-llm"]?.reportedCalls == 0 && byModel["claude-sonnet-4"]?.reportedCalls == 0)
        // Written again through the upsert path (a second batch into the same rows), the figures add up.
        var again = overridden
        again.reportedCost = 1.5
        let merged = try await rolledUpByModel([again], offset: 10, test: test)["gpt-4o"]
        #expect(merged?.reportedCalls == 2)
        #expect(merged?.reportedAppCostUSD == Decimal(string: "100.5"))
        #expect(merged?.reportedVigilCostUSD == Decimal(string: "0.0007"))
    }

    @Test("an alias and a host's spelling are rolled up under the model they are priced as")
    func pricedNames() async throws {
        let test = try await TestDatabase.fresh("rollupnames")
        let spans = ["chatgpt-4o-latest", "gpt-4o-2024-08-06", "Llama 3.1 8B Instruct", "llama-3.1-8b", "my-finetune"].map {
            SyntheticSpan(service: "chat", model: $0, operation: "chat", error: false, startMicros: start, durationNanos: 1_000_000, inputTokens: 10, outputTokens: 10, ttftSeconds: nil)
        }
        let counts = try await rolledUpByModel(spans, test: test).mapValues(\.count)
        #expect(counts == ["gpt-4o": 2, "llama-3.1-8b-instruct": 2, "my-finetune": 1])
    }

    /// Appends `spans` to project 1 (ids from `offset`), runs a rollup processor to the head and
    /// reads the LLM calls of the minute around `start` by model.
    func rolledUpByModel(_ spans: [SyntheticSpan], offset: Int = 0, test: TestDatabase) async throws -> [String: RollupReader.Group] {
        try await append(spans, project: 1, offset: offset, test: test)
        let runner = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: test.database, logger: test.logger)
        try await test.withConnection { try await runner.runToHead(on: $0) }
        let connection = try await test.database.connect()
        defer { Task { try? await connection.close() } }
        let groups = try await RollupReader(executor: connection, logger: test.logger)
            .summary(projectID: 1, fromMicros: start - 60_000_000, toMicros: start + 60_000_000, service: nil, model: nil, groupBy: [.model])
        return Dictionary(uniqueKeysWithValues: groups.map { ($0.dimensions.first?.1 ?? "", $0) })
    }
}
