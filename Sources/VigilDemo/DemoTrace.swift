/// One request of one demo service: its spans, and what the app sends beside them — the prompt's
/// embedding for drift and the evaluations of its answer.
public struct DemoTrace: Sendable, Equatable {
    /// A prompt embedding of the trace, sent to `POST /api/v1/embeddings`.
    public struct Prompt: Sendable, Equatable {
        /// What the user asked.
        public var text: String
        /// Its topic.
        public var topic: DemoTopic
        /// Its embedding.
        public var vector: [Float]
        /// The span it belongs to (the LLM call that answered it); nil for the baseline's prompts.
        public var spanID: String?
        /// When it was asked, Unix nanoseconds.
        public var timeNanos: UInt64
    }

    /// An evaluation of an answer, sent to `POST /api/v1/evaluations`.
    public struct Evaluation: Sendable, Equatable {
        /// A score or a verdict.
        public enum Value: Sendable, Equatable {
            /// A number, e.g. relevance 0.82.
            case number(Double)
            /// true/false, e.g. a thumbs-up.
            case flag(Bool)
        }

        /// The span evaluated.
        public var spanID: String
        /// e.g. `relevance`.
        public var name: String
        /// The score.
        public var value: Value
        /// Who scored it.
        public var evaluator: String
        /// When, Unix nanoseconds.
        public var timeNanos: UInt64
    }

    /// `service.name`.
    public var service: String
    /// The spans, root first.
    public var spans: [DemoSpan]
    /// The prompt's embedding, when the service embeds its prompts.
    public var prompt: Prompt?
    /// Evaluations of the answer.
    public var evaluations: [Evaluation]

    /// The trace id.
    public var traceID: String { spans.first?.traceID ?? "" }

    /// When the whole request ended (and its spans were exported), Unix nanoseconds.
    public var endNanos: UInt64 { spans.map(\.endNanos).max() ?? 0 }

    /// Its root span.
    public var root: DemoSpan? { spans.first { $0.parentSpanID == nil } }
}
