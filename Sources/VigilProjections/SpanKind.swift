/// What a span is, for the rollups: an LLM call (a model generating or embedding), a tool call, an
/// agent's run, or anything else (an HTTP request, a database query, a chain step). Calls, latency
/// and the rules that watch them are of LLM calls unless asked otherwise; the other kinds are
/// rolled up beside them, in the `kind` column of every rollup tier.
public enum SpanKind: String, Sendable, Hashable, CaseIterable {
    /// A GenAI operation that calls a model: chat, text_completion, generate_content, embeddings
    /// (OpenInference LLM and EMBEDDING spans arrive as chat and embeddings).
    case llm
    /// execute_tool (OpenInference TOOL), and OpenInference RETRIEVER.
    case tool
    /// invoke_agent and create_agent (OpenInference AGENT).
    case agent
    /// Every other span: no GenAI operation, or one of another kind (OpenInference CHAIN,
    /// RERANKER, GUARDRAIL, EVALUATOR …).
    case other

    /// The GenAI operations (`gen_ai.operation.name`, and OpenInference kinds in that vocabulary as
    /// ingest normalises them) that are model calls.
    public static let llmOperations: Set<String> = ["chat", "text_completion", "generate_content", "embeddings"]

    /// The kind of a span from its normalised `genai` object: its `operation` (empty when it has
    /// none) and whether it names a model. A span that names a model but no operation is an LLM
    /// call of an instrumentation that predates `gen_ai.operation.name`.
    public static func of(operation: String, hasModel: Bool) -> SpanKind {
        switch operation {
        case "": hasModel ? .llm : .other
        case "execute_tool", "retriever": .tool
        case "invoke_agent", "create_agent": .agent
        default: llmOperations.contains(operation) ? .llm : .other
        }
    }

    /// The kinds a query parameter or rule names: one kind, or `all` (nil: every kind).
    /// - Returns: nil when `text` is neither a kind nor `all`.
    public static func filter(_ text: String) -> SpanKind?? {
        if text == "all" { return .some(nil) }
        return SpanKind(rawValue: text).map { .some($0) }
    }

    /// The values `filter` takes, for messages and documents: `llm, tool, agent, other, all`.
    public static let filterValues = allCases.map(\.rawValue) + ["all"]
}
