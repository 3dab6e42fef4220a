internal import Foundation
internal import VigilCore

/// `vigil demo`: backfills an hour of normal traffic, pins a drift baseline, then plays live
/// traffic with the incidents of the timeline through Vigil's own endpoints, asks for drift
/// reports before and after the drift, listens for the alerts' webhooks and watches the alerts.
public struct DemoRunner: Sendable {
    let options: DemoOptions
    let output: DemoOutput
    let client: VigilDemoClient
    let generator: TrafficGenerator

    /// A run of `options`, printing to `output`.
    public init(options: DemoOptions, output: DemoOutput) {
        self.options = options
        self.output = output
        client = VigilDemoClient(baseURL: options.baseURL, ingestKey: options.ingestKey, readKey: options.readKey, operateKey: options.operateKey)
        generator = TrafficGenerator(seed: options.seed)
    }

    /// Fails with a clear message when Vigil does not answer at `baseURL`.
    public static func checkReachable(_ baseURL: String) async throws {
        try await VigilDemoClient.checkReachable(baseURL)
    }

    /// Runs the demo to its end.
    public func run() async throws {
        guard options.backfillOnly || options.duration >= options.minimumDuration else {
            throw VigilError(.invalidInput, "--duration must be at least \(Self.text(options.minimumDuration)) at --speed \(options.speed), to play the whole timeline")
        }
        let tally = DemoTally()
        let runNanos = EventTime.nowNanos()
        printWhereToLook()
        try await withThrowingTaskGroup(of: Void.self) { group in
            if !options.backfillOnly {
                if options.receivers.isEmpty {
                    output.line("Not listening for webhooks: alerts are shown from Vigil's API only.")
                }
                for address in options.receivers {
                    group.addTask { await WebhookReceiver(address: address, output: output, tally: tally).run() }
                }
            }
            try await warnIfBusy()
            try await backfill(runNanos: runNanos)
            try await pinBaseline(runNanos: runNanos)
            if options.backfillOnly {
                output.line("Backfill done (--backfill-only).")
                group.cancelAll()
                return
            }
            group.addTask { await watchAlerts(tally: tally) }
            try await live(runNanos: runNanos, tally: tally)
            group.cancelAll()
        }
        if !options.backfillOnly { await summarize(tally) }
    }

    private func printWhereToLook() {
        output.plain("""
            Vigil demo: project "\(options.project)" at \(options.baseURL), seed \(options.seed)
              Browser:    \(options.baseURL)/ui  — sign in with the read key:
                          \(options.readKey)
              Dashboards: \(options.dashboardsFolder.map { "\($0)/*.json" } ?? "dashboards/*.json in the Vigil checkout") — import into Grafana with a PostgreSQL data source at `vigil db url`
              API:        curl -H "Authorization: Bearer \(options.readKey)" '\(options.baseURL)/api/v1/summary?group_by=service,model'
            """)
        if !options.backfillOnly {
            let timeline = options.timeline
            var lines = ["Timeline (live part, \(Self.text(options.duration)) in all):", "  \(Self.clock(0)) steady traffic from chat, search-rag and agent-worker"]
            for window in timeline.windows {
                lines.append("  \(Self.clock(beat: window.start, options)) \(window.phase.summary) (until \(Self.clock(beat: window.end, options))); \(window.phase.expectation)")
            }
            lines.append("  \(Self.clock(beat: timeline.reportBeforeDrift, options)) and \(Self.clock(beat: timeline.reportAfterDrift, options)): drift reports of \(TrafficGenerator.feature), before and after the drift")
            output.plain(lines.joined(separator: "\n"))
        }
    }

    /// Warns when the project already has traffic in the last hour: a second run on top of a first
    /// one mixes their drift windows.
    private func warnIfBusy() async throws {
        let from = (EventTime.nowMicros() - 3_600_000_000) / 1000
        let body = try await client.get("/api/v1/summary?from=\(from)&group_by=service")
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let groups = object["groups"] as? [[String: Any]] else { return }
        let count = groups.compactMap { ($0["count"] as? NSNumber)?.intValue }.reduce(0, +)
        if count > 0 {
            output.line("Note: project \(options.project) already has \(count) spans from the last hour (an earlier run?); its drift reports will mix both runs. Use --project with a new name for a clean run.")
        }
    }

    private func backfill(runNanos: UInt64) async throws {
        let minutes = options.backfillMinutes
        guard minutes > 0 else { return }
        output.line("Backfilling \(minutes) minutes of normal traffic with past timestamps…")
        let started = ContinuousClock.now
        var traces = 0
        var spans = 0
        var evaluations = 0
        var batch: [DemoTrace] = []
        for minute in 0..<minutes {
            let back = UInt64(minutes - minute)
            let slice = TrafficSlice(index: -Int64(back), startNanos: runNanos - back * 60_000_000_000, lengthNanos: 60_000_000_000,
                                     minutes: 1, load: Self.load(minute: minute, seed: options.seed), phases: [], runNanos: runNanos)
            batch += generator.traces(for: slice)
            if batch.count >= 600 || minute == minutes - 1 {
                try await export(batch)
                evaluations += try await sendEvaluations(batch.flatMap { trace in trace.evaluations.map { (trace.traceID, $0) } }, nowNanos: EventTime.nowNanos())
                traces += batch.count
                spans += batch.reduce(0) { $0 + $1.spans.count }
                batch = []
            }
        }
        output.line("Backfilled \(traces) traces (\(spans) spans) and \(evaluations) evaluations over the last \(minutes) minutes in \(Self.text(ContinuousClock.now - started)).")
    }

    /// The backfill's gentle curve: ±18% over 50 minutes, and a little noise.
    static func load(minute: Int, seed: UInt64) -> Double {
        var random = DemoRandom(seed: seed, stream: Int64(minute), purpose: 0x10AD)
        return 1 + 0.18 * sin(2 * Double.pi * Double(minute) / 50 + 0.7) + 0.05 * random.gaussian()
    }

    private func pinBaseline(runNanos: UInt64) async throws {
        let hour: UInt64 = 3_600_000_000_000
        let from = runNanos - 24 * hour - hour
        let to = runNanos - 24 * hour
        let prompts = generator.baselinePrompts(count: options.baselineSize, startNanos: from, lengthNanos: hour)
        var index = 0
        while index < prompts.count {
            let chunk = prompts[index..<min(index + 200, prompts.count)].map { (traceID: String?.none, prompt: $0) }
            try await client.post("/api/v1/embeddings", DemoAPIBody.embeddings(feature: TrafficGenerator.feature, model: TrafficGenerator.embeddingModel, chunk), key: .ingest)
            index += 200
        }
        try await client.post("/api/v1/drift/baselines", DemoAPIBody.baseline(feature: TrafficGenerator.feature, fromNanos: from, toNanos: to), key: .operate)
        output.line("""
            Drift baseline: \(prompts.count) prompt embeddings (\(generator.topics.dimension) dimensions) from yesterday, \
            \(Self.hourMinute(from))–\(Self.hourMinute(to)) UTC, pinned as the reference of \(TrafficGenerator.feature); \
            the live prompts' embeddings are compared with it.
            """)
    }

    /// Exports traces as OTLP JSON, a few hundred at a time.
    func export(_ traces: [DemoTrace]) async throws {
        var index = 0
        while index < traces.count {
            let chunk = Array(traces[index..<min(index + 300, traces.count)])
            try await client.post("/v1/traces", OTLPTraceJSON.body(chunk), key: .ingest)
            index += 300
        }
    }

    /// Sends evaluations (times after `nowNanos` become `nowNanos`); returns how many.
    @discardableResult
    func sendEvaluations(_ items: [(String, DemoTrace.Evaluation)], nowNanos: UInt64) async throws -> Int {
        var index = 0
        while index < items.count {
            let chunk = items[index..<min(index + 1000, items.count)].map { item in
                var evaluation = item.1
                evaluation.timeNanos = min(evaluation.timeNanos, nowNanos)
                return (traceID: item.0, evaluation: evaluation)
            }
            try await client.post("/api/v1/evaluations", DemoAPIBody.evaluations(chunk), key: .ingest)
            index += 1000
        }
        return items.count
    }

    /// Sends the prompts' embeddings of `traces`; returns how many.
    @discardableResult
    func sendEmbeddings(_ traces: [DemoTrace]) async throws -> Int {
        let items = traces.compactMap { trace in trace.prompt.map { (traceID: Optional(trace.traceID), prompt: $0) } }
        guard !items.isEmpty else { return 0 }
        try await client.post("/api/v1/embeddings", DemoAPIBody.embeddings(feature: TrafficGenerator.feature, model: TrafficGenerator.embeddingModel, items), key: .ingest)
        return items.count
    }

    static func text(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds) / 60)m" }
        return seconds < 10 ? String(format: "%.1fs", seconds) : "\(Int(seconds.rounded()))s"
    }

    static func clock(_ seconds: Int) -> String {
        "\(seconds / 60):\(String(seconds % 60).leftPadded(to: 2))"
    }

    static func clock(beat: Int, _ options: DemoOptions) -> String {
        let seconds = options.beat * beat
        return clock(Int((Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18).rounded()))
    }

    static func hourMinute(_ nanos: UInt64) -> String {
        let text = CivilTime.rfc3339(micros: Int64(nanos / 1000))
        let start = text.index(text.startIndex, offsetBy: 11)
        return String(text[start..<text.index(start, offsetBy: 5)])
    }
}
