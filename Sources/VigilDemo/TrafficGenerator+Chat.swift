/// `chat`: the support assistant, one streamed LLM call behind `POST /v1/chat`.
extension TrafficGenerator {
    static let chatSystemPrompt = "You are Acme's support assistant. Answer questions about orders, billing and the Acme app briefly and politely. Do not help with anything else."

    func chat(_ random: inout DemoRandom, _ builder: inout TraceBuilder, phases: Set<DemoPhase>) -> Draft {
        let topic = random.weighted(phases.contains(.topicDrift) ? DemoTopic.driftMix : DemoTopic.normalMix)
        let question = topic.question(&random)
        let onHaiku = random.chance(0.3)
        let slow = phases.contains(.latencyIncident) && !onHaiku
        let maxTokens = 300

        enum Outcome { case answer, refusal, truncated, empty, rateLimited }
        let outcome: Outcome
        let roll = random.unit()
        if !onHaiku, roll < 0.004 {
            outcome = .rateLimited
        } else if topic == .coding {
            outcome = roll < 0.4 ? .refusal : .answer
        } else if roll < 0.024 {
            outcome = .refusal
        } else if roll < 0.034 {
            outcome = .truncated
        } else if roll < 0.039 {
            outcome = .empty
        } else {
            outcome = .answer
        }

        let inputTokens = 380 + question.count / 4 + random.integer(0...900)
        var text: String
        var outputTokens: Int
        var finish = onHaiku ? "end_turn" : "stop"
        switch outcome {
        case .answer, .rateLimited:
            text = topic.answer(&random)
            outputTokens = Int(random.logNormal(median: 110, sigma: 0.45, low: 20, high: 280))
        case .refusal:
            text = topic.refusal(&random)
            outputTokens = random.integer(22...48)
        case .truncated:
            text = topic.answer(&random) + " Also, to go further, you could"
            outputTokens = maxTokens
            finish = onHaiku ? "max_tokens" : "length"
        case .empty:
            text = ""
            outputTokens = 1
        }
        let firstChunk = slow
            ? random.logNormal(median: 2.6, sigma: 0.3, low: 1.5, high: 5.0)
            : random.logNormal(median: onHaiku ? 0.36 : 0.3, sigma: 0.3, low: 0.12, high: 0.9)
        let tokensPerSecond = slow ? random.uniform(40, 80) : (onHaiku ? random.uniform(170, 260) : random.uniform(180, 300))
        let before = random.uniform(0.005, 0.025)
        let after = random.uniform(0.003, 0.012)

        let root = builder.add("POST /v1/chat", kind: .server, parent: nil, start: 0, duration: 1, attributes: [
            DemoAttribute("http.request.method", .string("POST")),
            DemoAttribute("http.route", .string("/v1/chat")),
            DemoAttribute("url.scheme", .string("https")),
            DemoAttribute("user_agent.original", .string(random.pick(["AcmeApp/5.2 (iOS 18.1)", "AcmeApp/5.2 (Android 15)", "Mozilla/5.0 (Macintosh) AcmeWeb/2025.11"]))),
        ])
        var call = LLMCall(
            provider: onHaiku ? "anthropic" : "openai",
            requestModel: onHaiku ? "claude-3-5-haiku-latest" : "gpt-4o-mini",
            responseModel: onHaiku ? "claude-3-5-haiku-20241022" : "gpt-4o-mini-2024-07-18",
            serverAddress: onHaiku ? "api.anthropic.com" : "api.openai.com",
            maxTokens: maxTokens, temperature: 0.3,
            inputMessages: GenAIMessages.input(system: Self.chatSystemPrompt, user: question)
        )
        let llmStart = seconds(before)
        let llm: String
        let end: UInt64
        if outcome == .rateLimited {
            call.errorType = "429"
            let duration = seconds(random.uniform(0.15, 0.4))
            llm = builder.add(call.spanName, kind: .client, parent: root, start: llmStart, duration: duration, attributes: call.attributes,
                              error: "Rate limit reached for gpt-4o-mini in organization org-acme on tokens per min (TPM)")
            end = llmStart + duration + seconds(after)
            builder.close(root, end: end, attributes: [DemoAttribute("http.response.status_code", .int(503)), DemoAttribute("error.type", .string("503"))],
                          error: "upstream LLM rate limited")
        } else {
            call.inputTokens = inputTokens
            call.outputTokens = outputTokens
            call.finishReason = finish
            call.timeToFirstChunk = firstChunk
            call.responseID = (onHaiku ? "msg_" : "chatcmpl-") + builder.token()
            call.outputMessages = GenAIMessages.output(text: text, finishReason: finish)
            let duration = seconds(firstChunk + Double(outputTokens) / tokensPerSecond)
            llm = builder.add(call.spanName, kind: .client, parent: root, start: llmStart, duration: duration, attributes: call.attributes)
            end = llmStart + duration + seconds(after)
            builder.close(root, end: end, attributes: [DemoAttribute("http.response.status_code", .int(200))])
        }

        var draft = Draft(prompt: (question, topic, llm))
        guard outcome != .rateLimited else { return draft }
        if random.chance(0.4) {
            let relevance: Double
            switch (outcome, topic) {
            case (.refusal, _), (.empty, _): relevance = random.uniform(0.05, 0.35)
            case (_, .coding): relevance = random.uniform(0.15, 0.55)
            default: relevance = min(1, random.logNormal(median: 0.87, sigma: 0.08, low: 0.55, high: 1))
            }
            draft.evaluations.append((llm, "relevance", .number((relevance * 100).rounded() / 100), "llm-judge", random.uniform(2, 12)))
        }
        if random.chance(0.08) {
            let happy = outcome == .answer && topic != .coding ? 0.86 : 0.3
            draft.evaluations.append((llm, "user_feedback", .flag(random.chance(happy)), "thumbs", random.uniform(5, 40)))
        }
        return draft
    }
}
