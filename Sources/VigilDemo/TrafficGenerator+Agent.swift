/// `agent-worker`: a triage agent working through support tickets (claude-sonnet-4 choosing tools,
/// each tool a span with its own children, JSON extraction on gpt-4.1-mini, sometimes a summary on
/// mistral-small), and the report writer the cost spike switches to claude-opus-4.
extension TrafficGenerator {
    static let tools = ["lookup_order", "search_kb", "get_invoice", "create_ticket"]

    func triage(_ random: inout DemoRandom, _ builder: inout TraceBuilder, phases: Set<DemoPhase>) -> Draft {
        let topic = random.weighted(DemoTopic.normalMix)
        let ticket = topic.question(&random)
        let root = builder.add("invoke_agent support-triage", kind: .internal, parent: nil, start: 0, duration: 1, attributes: [
            DemoAttribute("gen_ai.operation.name", .string("invoke_agent")),
            DemoAttribute("gen_ai.agent.name", .string("support-triage")),
            DemoAttribute("gen_ai.agent.id", .string("agt_triage_v3")),
            DemoAttribute("gen_ai.conversation.id", .string("tkt_" + builder.token(bytes: 5))),
            DemoAttribute("messaging.destination.name", .string("support-tickets")),
        ])
        var clock = seconds(random.uniform(0.01, 0.05))
        var context = random.integer(2_600...3_400)
        var firstLLM: String?
        var lastLLM: String?
        var failure: String?
        let steps = random.integer(2...3)

        /// One claude-sonnet-4 call (with one retry after an overload during the error burst);
        /// returns its span id, or nil when both attempts failed.
        func sonnet(output: Int, finish: String, text: String, toolCalls: [GenAIMessages.ToolCall]) -> String? {
            for attempt in 0..<2 {
                var call = LLMCall(
                    provider: "anthropic", requestModel: "claude-sonnet-4-20250514", responseModel: "claude-sonnet-4-20250514",
                    serverAddress: "api.anthropic.com", maxTokens: 1024, temperature: 0,
                    inputMessages: GenAIMessages.input(system: "You triage Acme support tickets with the tools you have.", user: ticket)
                )
                if phases.contains(.errorBurst), random.chance(0.5) {
                    call.errorType = "overloaded_error"
                    let duration = seconds(random.uniform(0.3, 1.2))
                    let span = builder.add(call.spanName, kind: .client, parent: root, start: clock, duration: duration, attributes: call.attributes,
                                           error: "Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}")
                    clock += duration + seconds(attempt == 0 ? random.uniform(1, 2) : 0)
                    firstLLM = firstLLM ?? span
                    continue
                }
                call.inputTokens = context
                call.outputTokens = output
                call.finishReason = finish
                call.responseID = "msg_" + builder.token()
                call.outputMessages = GenAIMessages.output(text: text, toolCalls: toolCalls, finishReason: finish)
                let firstChunk = random.uniform(0.6, 1.2)
                call.timeToFirstChunk = firstChunk
                let duration = seconds(firstChunk + Double(output) / random.uniform(60, 90))
                let span = builder.add(call.spanName, kind: .client, parent: root, start: clock, duration: duration, attributes: call.attributes)
                clock += duration
                firstLLM = firstLLM ?? span
                return span
            }
            return nil
        }

        for _ in 0..<steps {
            let tool = random.pick(Self.tools)
            let callID = "toolu_" + builder.token(bytes: 9)
            let arguments: [(String, String)] = tool == "search_kb" ? [("query", String(ticket.prefix(60)))] : [("id", String(random.integer(10_000...99_999)))]
            guard let planned = sonnet(output: random.integer(60...220), finish: "tool_use", text: "",
                                       toolCalls: [GenAIMessages.ToolCall(id: callID, name: tool, arguments: arguments)]) else {
                failure = "anthropic overloaded: the ticket goes back to the queue"
                break
            }
            lastLLM = planned
            let toolDuration = seconds(random.uniform(0.05, 0.8))
            let toolSpan = builder.add("execute_tool \(tool)", kind: .internal, parent: root, start: clock, duration: toolDuration, attributes: [
                DemoAttribute("gen_ai.operation.name", .string("execute_tool")),
                DemoAttribute("gen_ai.tool.name", .string(tool)),
                DemoAttribute("gen_ai.tool.type", .string("function")),
                DemoAttribute("gen_ai.tool.call.id", .string(callID)),
            ])
            let inner = toolDuration * 7 / 10
            switch tool {
            case "search_kb":
                builder.add("search kb_articles", kind: .client, parent: toolSpan, start: clock + toolDuration / 10, duration: inner, attributes: [
                    DemoAttribute("db.system.name", .string("qdrant")), DemoAttribute("db.operation.name", .string("search")),
                    DemoAttribute("db.collection.name", .string("kb_articles")),
                ])
            default:
                let (method, route) = tool == "create_ticket" ? ("POST", "/tickets") : ("GET", tool == "get_invoice" ? "/invoices/{id}" : "/orders/{id}")
                builder.add("\(method) \(route)", kind: .client, parent: toolSpan, start: clock + toolDuration / 10, duration: inner, attributes: [
                    DemoAttribute("http.request.method", .string(method)),
                    DemoAttribute("server.address", .string("backoffice.internal.acme.dev")),
                    DemoAttribute("url.template", .string(route)),
                    DemoAttribute("http.response.status_code", .int(method == "POST" ? 201 : 200)),
                ])
            }
            clock += toolDuration
            context += random.integer(500...1_300)
        }

        if failure == nil {
            // Structured fields for the ticket system, as JSON.
            let valid = random.chance(0.97)
            let fields = "{\"category\": \"\(topic.rawValue)\", \"priority\": \"\(random.pick(["low", "normal", "high"]))\", \"sentiment\": \"\(random.pick(["negative", "neutral", "positive"]))\"}"
            let output = valid ? fields : String(fields.prefix(random.integer(12...40)))
            let extract = LLMCall(
                provider: "openai", requestModel: "gpt-4.1-mini", responseModel: "gpt-4.1-mini-2025-04-14", serverAddress: "api.openai.com",
                inputTokens: random.integer(800...1_500), outputTokens: valid ? random.integer(25...45) : 16, finishReason: valid ? "stop" : "length",
                maxTokens: valid ? 200 : 16, temperature: 0, outputMessages: GenAIMessages.output(text: output, finishReason: valid ? "stop" : "length"),
                outputType: "json", responseID: "chatcmpl-" + builder.token()
            )
            let duration = seconds(random.uniform(0.4, 0.9))
            builder.add(extract.spanName, kind: .client, parent: root, start: clock, duration: duration, attributes: extract.attributes)
            clock += duration

            if let answered = sonnet(output: random.integer(150...450), finish: "end_turn", text: topic.answer(&random), toolCalls: []) {
                lastLLM = answered
            } else {
                failure = "anthropic overloaded: the ticket goes back to the queue"
            }
        }
        if failure == nil, random.chance(0.2) {
            let summary = LLMCall(
                provider: "mistral_ai", requestModel: "mistral-small-latest", responseModel: "mistral-small-latest", serverAddress: "api.mistral.ai",
                inputTokens: random.integer(1_200...2_000), outputTokens: random.integer(120...250), finishReason: "stop", maxTokens: 300,
                outputMessages: GenAIMessages.output(text: "Customer asked: \(ticket) Resolved by the assistant.", finishReason: "stop"),
                responseID: builder.token(bytes: 8)
            )
            let duration = seconds(random.uniform(0.8, 2.0))
            builder.add(summary.spanName, kind: .client, parent: root, start: clock, duration: duration, attributes: summary.attributes)
            clock += duration
        }
        clock += seconds(random.uniform(0.005, 0.03))
        builder.close(root, end: clock, error: failure)

        var draft = Draft(prompt: firstLLM.map { (ticket, topic, $0) })
        if failure == nil, let lastLLM, random.chance(0.6) {
            draft.evaluations.append((lastLLM, "task_success", .flag(random.chance(0.88)), "ticket-outcome", random.uniform(20, 60)))
        }
        return draft
    }

    func report(_ random: inout DemoRandom, _ builder: inout TraceBuilder) -> Draft {
        let root = builder.add("invoke_agent report-writer", kind: .internal, parent: nil, start: 0, duration: 1, attributes: [
            DemoAttribute("gen_ai.operation.name", .string("invoke_agent")),
            DemoAttribute("gen_ai.agent.name", .string("report-writer")),
            DemoAttribute("gen_ai.agent.id", .string("agt_reports_v1")),
            DemoAttribute("messaging.destination.name", .string("nightly-reports")),
        ])
        var clock = seconds(random.uniform(0.01, 0.05))
        let toolDuration = seconds(random.uniform(0.2, 0.9))
        let tool = builder.add("execute_tool search_kb", kind: .internal, parent: root, start: clock, duration: toolDuration, attributes: [
            DemoAttribute("gen_ai.operation.name", .string("execute_tool")),
            DemoAttribute("gen_ai.tool.name", .string("search_kb")),
            DemoAttribute("gen_ai.tool.type", .string("function")),
        ])
        builder.add("search kb_articles", kind: .client, parent: tool, start: clock + toolDuration / 10, duration: toolDuration * 7 / 10, attributes: [
            DemoAttribute("db.system.name", .string("qdrant")), DemoAttribute("db.operation.name", .string("search")),
            DemoAttribute("db.collection.name", .string("kb_articles")),
        ])
        clock += toolDuration
        let truncated = random.chance(0.2)
        let output = truncated ? 4_096 : random.integer(2_200...4_000)
        let firstChunk = random.uniform(1.5, 3)
        let call = LLMCall(
            provider: "anthropic", requestModel: "claude-opus-4-20250514", responseModel: "claude-opus-4-20250514", serverAddress: "api.anthropic.com",
            inputTokens: random.integer(18_000...42_000), outputTokens: output, finishReason: truncated ? "max_tokens" : "end_turn",
            maxTokens: 4_096, temperature: 0.7, timeToFirstChunk: firstChunk,
            inputMessages: GenAIMessages.input(system: "Write a detailed weekly report of the support tickets below.", user: "[\(random.integer(80...200)) tickets attached]"),
            outputMessages: GenAIMessages.output(text: "# Weekly support report\n\nTicket volume rose in billing while order questions fell…" + (truncated ? " and the" : ""),
                                                 finishReason: truncated ? "max_tokens" : "end_turn"),
            responseID: "msg_" + builder.token()
        )
        let duration = seconds(firstChunk + Double(output) / random.uniform(110, 160))
        builder.add(call.spanName, kind: .client, parent: root, start: clock, duration: duration, attributes: call.attributes)
        clock += duration + seconds(random.uniform(0.01, 0.05))
        builder.close(root, end: clock)
        return Draft(prompt: nil)
    }
}
