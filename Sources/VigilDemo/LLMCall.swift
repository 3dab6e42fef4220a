/// The GenAI attributes of one LLM call span (OpenTelemetry GenAI semantic conventions).
struct LLMCall {
    var operation = "chat"
    var provider: String
    var requestModel: String
    var responseModel: String
    var serverAddress: String
    var inputTokens: Int?
    var outputTokens: Int?
    var finishReason: String?
    var maxTokens: Int?
    var temperature: Double?
    var timeToFirstChunk: Double?
    var inputMessages: String?
    var outputMessages: String?
    var outputType: String?
    var responseID: String?
    var errorType: String?
    var extra: [DemoAttribute] = []

    /// The span's name: operation and model, as the conventions name it.
    var spanName: String { "\(operation) \(requestModel)" }

    var attributes: [DemoAttribute] {
        var list = [
            DemoAttribute("gen_ai.operation.name", .string(operation)),
            DemoAttribute("gen_ai.provider.name", .string(provider)),
            DemoAttribute("gen_ai.request.model", .string(requestModel)),
            DemoAttribute("server.address", .string(serverAddress)),
            DemoAttribute("server.port", .int(443)),
        ]
        if let maxTokens { list.append(DemoAttribute("gen_ai.request.max_tokens", .int(Int64(maxTokens)))) }
        if let temperature { list.append(DemoAttribute("gen_ai.request.temperature", .double(temperature))) }
        if let outputType { list.append(DemoAttribute("gen_ai.output.type", .string(outputType))) }
        if let errorType {
            list.append(DemoAttribute("error.type", .string(errorType)))
        } else {
            list.append(DemoAttribute("gen_ai.response.model", .string(responseModel)))
            if let responseID { list.append(DemoAttribute("gen_ai.response.id", .string(responseID))) }
            if let finishReason { list.append(DemoAttribute("gen_ai.response.finish_reasons", .strings([finishReason]))) }
            if let inputTokens { list.append(DemoAttribute("gen_ai.usage.input_tokens", .int(Int64(inputTokens)))) }
            if let outputTokens { list.append(DemoAttribute("gen_ai.usage.output_tokens", .int(Int64(outputTokens)))) }
            if let timeToFirstChunk { list.append(DemoAttribute("gen_ai.response.time_to_first_chunk", .double((timeToFirstChunk * 1000).rounded() / 1000))) }
        }
        if let inputMessages { list.append(DemoAttribute("gen_ai.input.messages", .string(inputMessages))) }
        if let outputMessages, errorType == nil { list.append(DemoAttribute("gen_ai.output.messages", .string(outputMessages))) }
        return list + extra
    }
}
