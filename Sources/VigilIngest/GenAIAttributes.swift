internal import VigilCore
internal import VigilOTLPProto

/// The normalised LLM facts of a span, metric point or log record, whichever dialect the app
/// speaks: OpenTelemetry's GenAI semantic conventions (current and older names) or OpenInference.
/// The original attributes stay in the event untouched; this is written beside them as `genai`.
struct GenAIAttributes: Equatable {
    enum Dialect: String {
        case openTelemetry = "opentelemetry"
        case openInference = "openinference"
    }

    var dialects: [Dialect] = []
    var operation: String?
    var provider: String?
    var requestModel: String?
    var responseModel: String?
    var inputTokens: Int64?
    var outputTokens: Int64?
    var totalTokens: Int64?
    var cachedInputTokens: Int64?
    var cacheCreationInputTokens: Int64?
    var reasoningOutputTokens: Int64?
    var finishReasons: [String]?
    var reportedCostUSD: Double?
    var openInferenceKind: String?

    var isEmpty: Bool { dialects.isEmpty }

    /// Reads the attributes once. Current names win over older ones, and the OpenTelemetry
    /// convention over OpenInference, whatever order the attributes come in.
    init(_ attributes: [OTLPKeyValue]) {
        var provider: (current: String?, older: String?, oi: String?, oiSystem: String?)
        var input: (current: Int64?, older: Int64?, oi: Int64?)
        var output: (current: Int64?, older: Int64?, oi: Int64?)
        var model: (request: String?, response: String?, oi: String?)
        var cached: (current: Int64?, oi: Int64?)
        var cacheCreation: (current: Int64?, oi: Int64?)
        var reasoning: (current: Int64?, oi: Int64?)
        var cost: (litellm: Double?, oi: Double?)
        var otel = false
        var oi = false
        for attribute in attributes {
            let key = attribute.key
            let value = attribute.value
            if key.hasPrefix("gen_ai.") {
                otel = true
                switch key {
                case "gen_ai.operation.name": operation = value.textValue
                case "gen_ai.provider.name": provider.current = value.textValue
                case "gen_ai.system": provider.older = value.textValue
                case "gen_ai.request.model": model.request = value.textValue
                case "gen_ai.response.model": model.response = value.textValue
                case "gen_ai.usage.input_tokens": input.current = value.integerValue
                case "gen_ai.usage.prompt_tokens": input.older = value.integerValue
                case "gen_ai.usage.output_tokens": output.current = value.integerValue
                case "gen_ai.usage.completion_tokens": output.older = value.integerValue
                // The current names, then OpenLLMetry's.
                case "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens":
                    cached.current = value.integerValue
                case "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens":
                    cacheCreation.current = value.integerValue
                case "gen_ai.usage.reasoning.output_tokens":
                    reasoning.current = value.integerValue
                // LiteLLM's: what the call cost, as the app computed it.
                case "gen_ai.usage.cost": cost.litellm = value.numberValue
                case "gen_ai.response.finish_reasons": finishReasons = value.stringList
                default: break
                }
            } else if key.hasPrefix("llm.") || key == "openinference.span.kind" {
                oi = true
                switch key {
                case "openinference.span.kind": openInferenceKind = value.textValue?.uppercased()
                case "llm.model_name": model.oi = value.textValue
                case "llm.provider": provider.oi = value.textValue
                case "llm.system": provider.oiSystem = value.textValue
                case "llm.token_count.prompt": input.oi = value.integerValue
                case "llm.token_count.completion": output.oi = value.integerValue
                case "llm.token_count.total": totalTokens = value.integerValue
                case "llm.token_count.prompt_details.cache_read": cached.oi = value.integerValue
                case "llm.token_count.prompt_details.cache_write": cacheCreation.oi = value.integerValue
                case "llm.token_count.completion_details.reasoning": reasoning.oi = value.integerValue
                case "llm.cost.total": cost.oi = value.numberValue
                default: break
                }
            }
        }
        if otel { dialects.append(.openTelemetry) }
        if oi { dialects.append(.openInference) }
        if operation == nil, let kind = openInferenceKind { operation = Self.operation(forOpenInferenceKind: kind) }
        self.provider = (provider.current ?? provider.older ?? provider.oi ?? provider.oiSystem)?.lowercased()
        requestModel = model.request ?? model.oi
        responseModel = model.response ?? model.oi ?? model.request
        inputTokens = input.current ?? input.older ?? input.oi
        outputTokens = output.current ?? output.older ?? output.oi
        cachedInputTokens = cached.current ?? cached.oi
        cacheCreationInputTokens = cacheCreation.current ?? cacheCreation.oi
        reasoningOutputTokens = reasoning.current ?? reasoning.oi
        reportedCostUSD = (cost.litellm ?? cost.oi).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        if totalTokens == nil, inputTokens != nil || outputTokens != nil {
            totalTokens = (inputTokens ?? 0) + (outputTokens ?? 0)
        }
    }

    /// OpenInference span kinds in the vocabulary of `gen_ai.operation.name` where one exists.
    static func operation(forOpenInferenceKind kind: String) -> String {
        switch kind {
        case "LLM": "chat"
        case "EMBEDDING": "embeddings"
        case "TOOL": "execute_tool"
        case "AGENT": "invoke_agent"
        default: kind.lowercased()
        }
    }

    func write(into writer: inout JSONWriter) {
        guard !isEmpty else { return }
        writer.beginObject("genai")
        writer.string("dialect", dialects.map(\.rawValue).joined(separator: "+"))
        if let operation { writer.string("operation", operation) }
        if let provider { writer.string("provider", provider) }
        if let requestModel { writer.string("request_model", requestModel) }
        if let responseModel { writer.string("response_model", responseModel) }
        if let inputTokens { writer.int("input_tokens", inputTokens) }
        if let outputTokens { writer.int("output_tokens", outputTokens) }
        if let totalTokens { writer.int("total_tokens", totalTokens) }
        if let cachedInputTokens { writer.int("cached_input_tokens", cachedInputTokens) }
        if let cacheCreationInputTokens { writer.int("cache_creation_input_tokens", cacheCreationInputTokens) }
        if let reasoningOutputTokens { writer.int("reasoning_output_tokens", reasoningOutputTokens) }
        if let finishReasons {
            writer.beginArray("finish_reasons")
            for reason in finishReasons { writer.string(nil, reason) }
            writer.endArray()
        }
        if let reportedCostUSD { writer.double("reported_cost_usd", reportedCostUSD) }
        if let openInferenceKind { writer.string("openinference_kind", openInferenceKind) }
        writer.endObject()
    }
}
