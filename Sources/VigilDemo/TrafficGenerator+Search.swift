/// `search-rag`: help-centre search — an optional rewrite of the query on the in-house model,
/// the query's embedding, a vector search and an answer from gemini-2.0-flash.
extension TrafficGenerator {
    static let searchSystemPrompt = "Answer the customer's question using only the help-centre articles given. Cite the article titles."

    func search(_ random: inout DemoRandom, _ builder: inout TraceBuilder, phases: Set<DemoPhase>) -> Draft {
        let topic = random.weighted(phases.contains(.topicDrift) ? DemoTopic.driftMix : DemoTopic.normalMix)
        let question = topic.question(&random)
        let root = builder.add("POST /v1/search", kind: .server, parent: nil, start: 0, duration: 1, attributes: [
            DemoAttribute("http.request.method", .string("POST")),
            DemoAttribute("http.route", .string("/v1/search")),
            DemoAttribute("url.scheme", .string("https")),
        ])
        var clock = seconds(random.uniform(0.003, 0.015))

        if random.chance(0.5) {
            let duration = seconds(random.uniform(0.06, 0.18))
            let rewrite = LLMCall(
                provider: "acme", requestModel: "acme-rewriter-1b", responseModel: "acme-rewriter-1b", serverAddress: "llm.internal.acme.dev",
                inputTokens: random.integer(60...150), outputTokens: random.integer(12...40), finishReason: "stop", maxTokens: 64, temperature: 0,
                outputMessages: GenAIMessages.output(text: question.lowercased(), finishReason: "stop"),
                responseID: "rw-" + builder.token(bytes: 6)
            )
            builder.add(rewrite.spanName, kind: .client, parent: root, start: clock, duration: duration, attributes: rewrite.attributes)
            clock += duration
        }

        let embedDuration = seconds(random.uniform(0.04, 0.14))
        let embed = LLMCall(
            operation: "embeddings", provider: "openai", requestModel: "text-embedding-3-small", responseModel: "text-embedding-3-small",
            serverAddress: "api.openai.com", inputTokens: 8 + question.count / 5,
            extra: [DemoAttribute("gen_ai.embeddings.dimension.count", .int(Int64(topics.dimension)))]
        )
        let embedding = builder.add(embed.spanName, kind: .client, parent: root, start: clock, duration: embedDuration, attributes: embed.attributes)
        clock += embedDuration

        let searchDuration = seconds(random.uniform(0.008, 0.04))
        builder.add("search kb_articles", kind: .client, parent: root, start: clock, duration: searchDuration, attributes: [
            DemoAttribute("db.system.name", .string("qdrant")),
            DemoAttribute("db.operation.name", .string("search")),
            DemoAttribute("db.collection.name", .string("kb_articles")),
            DemoAttribute("db.response.returned_rows", .int(Int64(random.integer(4...8)))),
        ])
        clock += searchDuration

        var answer = LLMCall(
            provider: "gcp.gemini", requestModel: "gemini-2.0-flash", responseModel: "gemini-2.0-flash",
            serverAddress: "generativelanguage.googleapis.com", maxTokens: 1024, temperature: 0.2,
            inputMessages: GenAIMessages.input(system: Self.searchSystemPrompt, user: question)
        )
        let answerStart = clock
        let span: String
        var failed = false
        if random.chance(0.005) {
            answer.errorType = "429"
            let duration = seconds(random.uniform(0.1, 0.3))
            span = builder.add(answer.spanName, kind: .client, parent: root, start: answerStart, duration: duration, attributes: answer.attributes,
                               error: "RESOURCE_EXHAUSTED: Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute")
            clock += duration
            failed = true
        } else {
            let firstChunk = random.logNormal(median: 0.35, sigma: 0.3, low: 0.15, high: 1.0)
            let output = Int(random.logNormal(median: 200, sigma: 0.35, low: 60, high: 420))
            answer.inputTokens = random.integer(1_800...4_000)
            answer.outputTokens = output
            answer.finishReason = "stop"
            answer.timeToFirstChunk = firstChunk
            answer.responseID = builder.token(bytes: 10)
            answer.outputMessages = GenAIMessages.output(text: topic.answer(&random), finishReason: "stop")
            let duration = seconds(firstChunk + Double(output) / random.uniform(200, 350))
            span = builder.add(answer.spanName, kind: .client, parent: root, start: answerStart, duration: duration, attributes: answer.attributes)
            clock += duration
        }
        clock += seconds(random.uniform(0.002, 0.01))
        builder.close(root, end: clock, attributes: [DemoAttribute("http.response.status_code", .int(failed ? 503 : 200))],
                      error: failed ? "answer model unavailable" : nil)

        var draft = Draft(prompt: (question, topic, embedding))
        if !failed, random.chance(0.4) {
            let relevance = topic == .coding ? random.uniform(0.05, 0.4) : min(1, random.logNormal(median: 0.84, sigma: 0.1, low: 0.45, high: 1))
            draft.evaluations.append((span, "relevance", .number((relevance * 100).rounded() / 100), "llm-judge", random.uniform(2, 12)))
        }
        return draft
    }
}
