import VigilProjections
import Foundation
import Testing
import VigilProcessors
import VigilCore

let shippedPrices: PriceTable = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pricing/prices.json")
    return try! PriceTable(json: try! Data(contentsOf: url), source: "pricing/prices.json")
}()

func micros(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
    var components = DateComponents()
    components.year = year
    components.month = month
    components.day = day
    components.timeZone = TimeZone(identifier: "UTC")
    return Int64(Calendar(identifier: .gregorian).date(from: components)!.timeIntervalSince1970) * 1_000_000
}

@Suite("Model names and prices")
struct PricingTests {
    @Test("model names match after normalisation", arguments: [
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("openai/gpt-4o", "gpt-4o"),
        ("GPT-4o-mini", "gpt-4o-mini"),
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
        ("claude-3-5-sonnet-latest", "claude-3-5-sonnet"),
        ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"),
        ("models/gemini-1.5-pro", "gemini-1.5-pro"),
        ("claude-opus-4@20250514", "claude-opus-4"),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
        ("gpt-4-0613", "gpt-4"),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-instruct-turbo"),
        ("mistral-large-2411", "mistral-large-2411"),
        ("qwen2.5-72b-instruct", "qwen2.5-72b-instruct"),
        ("deepseek-v3", "deepseek-v3"),
        ("in-house-llm-v3", "in-house-llm-v3"),
    ])
    func normalisation(raw: String, expected: String) {
        #expect(ModelName.normalise(raw) == expected)
    }

    @Test("the price in force at the call's time applies; aliases and date suffixes find it")
    func effectiveDates() throws {
        let early = try #require(shippedPrices.price(for: "gpt-4o", atMicros: micros(2024, 6, 1)))
        #expect(early.input == Decimal(string: "5.00"))
        let late = try #require(shippedPrices.price(for: "gpt-4o-2024-08-06", atMicros: micros(2025, 1, 1)))
        #expect(late.input == Decimal(string: "2.50"))
        #expect(shippedPrices.price(for: "gpt-4o", atMicros: micros(2023, 1, 1)) == nil, "no price before the first one took effect")
        #expect(shippedPrices.price(for: "mistral-large-2411", atMicros: micros(2025, 1, 1))?.model == "mistral-large")
        #expect(shippedPrices.price(for: "my-finetune-v7", atMicros: micros(2025, 1, 1)) == nil)
        #expect(shippedPrices.modelCount > 40)
        for provider in ["openai", "anthropic", "google", "mistral", "meta", "deepseek"] {
            #expect(shippedPrices.price(for: provider == "openai" ? "gpt-4o" : provider == "anthropic" ? "claude-sonnet-4" : provider == "google" ? "gemini-2.5-flash" : provider == "mistral" ? "mistral-small" : provider == "meta" ? "llama-3.3-70b-instruct" : "deepseek-chat", atMicros: micros(2026, 1, 1))?.provider == provider)
        }
    }

    @Test("cost is exact decimal arithmetic, cached input at its own price, unknown models nil")
    func cost() throws {
        let at = micros(2025, 3, 1)
        // 1234 × 2.50 + 567 × 10.00 per million = 0.003085 + 0.00567
        #expect(shippedPrices.cost(model: "gpt-4o", atMicros: at, usage: TokenUsage(input: 1234, output: 567)) == Decimal(string: "0.008755"))
        // 1000 input of which 400 cached: 600 × 2.50 + 400 × 1.25 = 0.0015 + 0.0005
        #expect(shippedPrices.cost(model: "gpt-4o", atMicros: at, usage: TokenUsage(input: 1000, output: 0, cacheRead: 400)) == Decimal(string: "0.002"))
        var sum = Decimal(0)
        for _ in 0..<1_000_000 / 1000 { sum += shippedPrices.cost(model: "gpt-4o-mini", atMicros: at, usage: TokenUsage(input: 1, output: 1))! }
        #expect(sum == Decimal(string: "0.00075"), "a thousand tiny costs add up without drift")
        #expect(shippedPrices.cost(model: "unknown-model", atMicros: at, usage: TokenUsage(input: 10, output: 10)) == nil)
    }

    @Test("cache reads, cache writes and reasoning are each charged once, at their own price or the plain one")
    func tokenParts() throws {
        let at = micros(2025, 9, 1)
        // claude-sonnet-4: input 3.00, output 15.00, cache reads 0.30, cache writes 3.75.
        // 1000 input = 200 plain + 600 read + 200 written; 300 output of which 120 reasoning
        // (no reasoning price: at the output price).
        // 200×3.00 + 600×0.30 + 200×3.75 + 300×15.00 = 600 + 180 + 750 + 4500 = 6030 per million.
        let usage = TokenUsage(input: 1000, output: 300, cacheRead: 600, cacheWrite: 200, reasoning: 120)
        #expect(shippedPrices.cost(model: "claude-sonnet-4", atMicros: at, usage: usage) == Decimal(string: "0.00603"))
        // gpt-4o has no cache-write price: written tokens at the input price, so the same as plain input.
        #expect(shippedPrices.cost(model: "gpt-4o", atMicros: at, usage: TokenUsage(input: 1000, output: 0, cacheWrite: 400))
                == shippedPrices.cost(model: "gpt-4o", atMicros: at, usage: TokenUsage(input: 1000, output: 0)))
        // Parts larger than their whole are cut to it: never more than every token at its dearest.
        let inflated = TokenUsage(input: 100, output: 10, cacheRead: 80, cacheWrite: 80, reasoning: 50)
        // 80 read ×0.30 + 20 written ×3.75 + 10 output ×15 = 24 + 75 + 150 = 249 per million.
        #expect(shippedPrices.cost(model: "claude-sonnet-4", atMicros: at, usage: inflated) == Decimal(string: "0.000249"))
        let table = try PriceTable(json: Data("""
            {"prices": [{"provider": "x", "model": "thinker", "effective_from": "2025-01-01", "input": "1", "output": "4",
                         "cached_input": "0.1", "cache_creation_input": "1.25", "reasoning_output": "8"}]}
            """.utf8), source: "t.json")
        // 10 plain ×1 + 20 read ×0.1 + 30 written ×1.25 + 5 output ×4 + 15 reasoning ×8 = 10 + 2 + 37.5 + 20 + 120.
        let all = TokenUsage(input: 60, output: 20, cacheRead: 20, cacheWrite: 30, reasoning: 15)
        #expect(table.cost(model: "thinker", atMicros: at, usage: all) == Decimal(string: "0.0001895"))
        #expect(throws: VigilError.self) {
            _ = try PriceTable(json: Data("""
                {"prices": [{"provider": "x", "model": "y", "effective_from": "2025-01-01", "input": "1", "output": "1", "reasoning_output": "lots"}]}
                """.utf8), source: "t.json")
        }
    }

    @Test("names a host spells its own way find their price through the entry's match pattern; aliases and patterns give the priced name")
    func matchPatterns() throws {
        let at = micros(2025, 6, 1)
        for spelling in ["llama-3.1-8b", "Llama 3.1 8B Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "llama3.1-8b-instruct-fp8"] {
            let normal = ModelName.normalise(spelling)
            #expect(shippedPrices.pricedName(ofNormalised: normal) == "llama-3.1-8b-instruct", "\(spelling)")
            #expect(shippedPrices.price(for: spelling, atMicros: at)?.model == "llama-3.1-8b-instruct", "\(spelling)")
        }
        #expect(shippedPrices.pricedName(ofNormalised: "llama-3.1-70b") == "llama-3.1-70b-instruct")
        #expect(shippedPrices.pricedName(ofNormalised: "llama-3.1-8b-base-v2") == nil, "a pattern takes the whole name or nothing")
        #expect(shippedPrices.pricedName(ofNormalised: ModelName.normalise("chatgpt-4o-latest")) == "gpt-4o", "an alias is counted under its model")
        #expect(shippedPrices.pricedName(ofNormalised: "gpt-4o") == "gpt-4o")
        let user = try PriceTable(json: Data("""
            {"prices": [{"provider": "acme", "model": "acme-8b", "effective_from": "2025-01-01", "input": "1", "output": "2",
                         "match": ["llama-3[.]1-8b"]}]}
            """.utf8), source: "mine.json")
        #expect(shippedPrices.merging(user).pricedName(ofNormalised: "llama-3.1-8b") == "acme-8b", "the user's patterns are tried first")
        #expect {
            _ = try PriceTable(json: Data("""
                {"prices": [{"provider": "x", "model": "y", "effective_from": "2025-01-01", "input": "1", "output": "1", "match": ["(a"]}]}
                """.utf8), source: "bad.json")
        } throws: { error in
            (error as? VigilError)?.message.contains("bad.json, price 1 (y): match (a") == true
        }
    }

    @Test("a user's table overrides and extends the shipped one; bad tables are refused with the place")
    func overrides() throws {
        let user = try PriceTable(json: Data("""
            {"prices": [
              {"provider": "openai", "model": "gpt-4o", "effective_from": "2024-08-06", "input": "2.00", "output": "8.00"},
              {"provider": "acme", "model": "acme-chat-1", "effective_from": "2025-01-01", "input": "0.5", "output": "1.5", "aliases": ["acme-chat"]}
            ]}
            """.utf8), source: "mine.json")
        let merged = shippedPrices.merging(user)
        #expect(merged.price(for: "gpt-4o", atMicros: micros(2025, 3, 1))?.input == Decimal(string: "2.00"))
        #expect(merged.price(for: "gpt-4o", atMicros: micros(2024, 6, 1))?.input == Decimal(string: "5.00"))
        #expect(merged.price(for: "acme-chat", atMicros: micros(2025, 3, 1))?.output == Decimal(string: "1.5"))
        for bad in [
            #"{"prices": [{"provider": "x", "model": "m", "effective_from": "2025-13-01", "input": "1", "output": "1"}]}"#,
            #"{"prices": [{"provider": "x", "model": "m", "effective_from": "2025-01-01", "input": "-1", "output": "1"}]}"#,
            #"{"prices": [{"provider": "x", "model": "m", "effective_from": "2025-01-01", "input": "1e3", "output": "1"}]}"#,
            #"{"price": []}"#,
        ] {
            #expect(throws: (any Error).self) { try PriceTable(json: Data(bad.utf8), source: "bad.json") }
        }
    }
}
