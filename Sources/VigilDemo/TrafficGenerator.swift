/// Makes the demo's traffic, deterministically from a seed: three services of a made-up support
/// product — `chat` (a streaming assistant on gpt-4o-mini and claude-3-5-haiku), `search-rag`
/// (query rewriting on an unpriced in-house model, embeddings, vector search, answers from
/// gemini-2.0-flash) and `agent-worker` (a triage agent on claude-sonnet-4 with tools, JSON
/// extraction on gpt-4.1-mini and summaries on mistral-small) — with the prompts' embeddings and
/// evaluations of the answers. The incidents of `DemoPhase` change what they say they change.
public struct TrafficGenerator: Sendable {
    /// The services, as `service.name`.
    public static let services = ["chat", "search-rag", "agent-worker"]
    /// The models the traffic calls, normalised as Vigil names them; `acme-rewriter-1b` is the
    /// in-house model the price table does not know.
    public static let models = ["gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash", "text-embedding-3-small", "acme-rewriter-1b",
                                "claude-sonnet-4", "gpt-4.1-mini", "mistral-small", "claude-opus-4"]
    /// The drift feature the prompts' embeddings go to.
    public static let feature = "prompt_embedding"
    /// The embedding model named with them (OpenAI's text-embedding-3 models can shorten their vectors).
    public static let embeddingModel = "text-embedding-3-small"

    /// What kind of request a trace is.
    enum Kind: UInt64, CaseIterable {
        case chat = 1, search = 2, triage = 3, report = 4

        var service: String {
            switch self {
            case .chat: "chat"
            case .search: "search-rag"
            case .triage, .report: "agent-worker"
            }
        }
    }

    /// Requests a minute of each kind in normal traffic.
    static let normalRates: [Kind: Double] = [.chat: 32, .search: 16, .triage: 6, .report: 0]
    /// How much more chat and search traffic the topic drift brings.
    static let driftSurge = 2.5
    /// Report-writer runs a minute during the cost spike.
    static let costSpikeRate = 108.0

    /// The seed.
    public let seed: UInt64
    /// Where the prompts' embeddings live.
    public let topics: TopicSpace

    /// A generator for `seed`, with embeddings of `dimension` components.
    public init(seed: UInt64, dimension: Int = 64) {
        self.seed = seed
        topics = TopicSpace(seed: seed, dimension: dimension)
    }

    /// The expected requests of `kind` a minute during `phases`.
    static func rate(_ kind: Kind, phases: Set<DemoPhase>) -> Double {
        switch kind {
        case .chat, .search:
            (normalRates[kind] ?? 0) * (phases.contains(.topicDrift) ? driftSurge : 1)
        case .triage:
            normalRates[kind] ?? 0
        case .report:
            phases.contains(.costSpike) ? costSpikeRate : 0
        }
    }

    /// The traces that end within `slice`, in the order they end.
    public func traces(for slice: TrafficSlice) -> [DemoTrace] {
        var traces: [DemoTrace] = []
        for kind in Kind.allCases {
            var counter = DemoRandom(seed: seed, stream: slice.index, purpose: 0xC0_0000 + kind.rawValue)
            let count = counter.count(Self.rate(kind, phases: slice.phases) * slice.minutes * slice.load)
            for ordinal in 0..<count {
                let purpose = kind.rawValue << 32 | UInt64(ordinal)
                var random = DemoRandom(seed: seed, stream: slice.index, purpose: purpose)
                var builder = TraceBuilder(ids: DemoRandom(seed: seed ^ slice.runNanos, stream: slice.index, purpose: purpose))
                let end = slice.startNanos + UInt64(random.unit() * Double(slice.lengthNanos))
                var draft: Draft
                switch kind {
                case .chat: draft = chat(&random, &builder, phases: slice.phases)
                case .search: draft = search(&random, &builder, phases: slice.phases)
                case .triage: draft = triage(&random, &builder, phases: slice.phases)
                case .report: draft = report(&random, &builder)
                }
                traces.append(draft.placed(builder, service: kind.service, endingAt: end, topics: topics, random: &random))
            }
        }
        return traces.sorted { ($0.endNanos, $0.traceID) < ($1.endNanos, $1.traceID) }
    }

    /// Prompts of normal traffic spread over [`startNanos`, `startNanos + lengthNanos`), not tied
    /// to traces: the embeddings a drift baseline is pinned over.
    public func baselinePrompts(count: Int, startNanos: UInt64, lengthNanos: UInt64) -> [DemoTrace.Prompt] {
        var random = DemoRandom(seed: seed, stream: -2, purpose: 0xBA5E)
        return (0..<count).map { _ in
            let topic = random.weighted(DemoTopic.normalMix)
            let text = topic.question(&random)
            let time = startNanos + UInt64(random.unit() * Double(lengthNanos))
            return DemoTrace.Prompt(text: text, topic: topic, vector: topics.vector(for: topic, random: &random), spanID: nil, timeNanos: time)
        }
        .sorted { $0.timeNanos < $1.timeNanos }
    }
}

/// What the service builders return: the spans are in the builder, with the prompt and the
/// evaluations on the trace's relative clock.
struct Draft {
    var prompt: (text: String, topic: DemoTopic, spanID: String)?
    var evaluations: [(spanID: String, name: String, value: DemoTrace.Evaluation.Value, evaluator: String, delay: Double)] = []

    /// The finished trace, ending at `end`.
    func placed(_ builder: TraceBuilder, service: String, endingAt end: UInt64, topics: TopicSpace, random: inout DemoRandom) -> DemoTrace {
        let (spans, offset) = builder.placed(endingAt: end)
        let rootEnd = spans.map(\.endNanos).max() ?? end
        var trace = DemoTrace(service: service, spans: spans, prompt: nil, evaluations: [])
        if let prompt {
            trace.prompt = DemoTrace.Prompt(text: prompt.text, topic: prompt.topic, vector: topics.vector(for: prompt.topic, random: &random),
                                            spanID: prompt.spanID, timeNanos: offset)
        }
        trace.evaluations = evaluations.map {
            DemoTrace.Evaluation(spanID: $0.spanID, name: $0.name, value: $0.value, evaluator: $0.evaluator,
                                 timeNanos: rootEnd + seconds($0.delay))
        }
        return trace
    }
}

/// Seconds as nanoseconds (negative counts as zero).
func seconds(_ value: Double) -> UInt64 {
    UInt64(max(value, 0) * 1_000_000_000)
}
