public import Foundation
internal import VigilCore
internal import VigilProjections

/// The tokens of one call, as the GenAI conventions count them: cache reads and cache writes are
/// part of `input`, reasoning tokens part of `output`.
public struct TokenUsage: Sendable, Equatable {
    /// Input tokens, cached ones included.
    public var input: Int64
    /// Output tokens, reasoning ones included.
    public var output: Int64
    /// Input tokens read from the provider's cache (`gen_ai.usage.cache_read.input_tokens`).
    public var cacheRead: Int64
    /// Input tokens written to the provider's cache (`gen_ai.usage.cache_creation.input_tokens`).
    public var cacheWrite: Int64
    /// Output tokens spent reasoning (`gen_ai.usage.reasoning.output_tokens`).
    public var reasoning: Int64

    /// A call's tokens; the parts default to none.
    public init(input: Int64, output: Int64, cacheRead: Int64 = 0, cacheWrite: Int64 = 0, reasoning: Int64 = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.reasoning = reasoning
    }
}

/// What models cost: US dollars per million input, output, cached-input (cache reads), cache-write
/// and reasoning tokens, each price with the date it took effect. Cost is exact decimal
/// arithmetic. A model the table does not know has no price (nil), never a silent zero.
public struct PriceTable: Sendable {
    /// One price of one model from one date on.
    public struct Price: Sendable, Equatable {
        /// The provider, as the table names it.
        public var provider: String
        /// The model's normal form (`ModelName.normalise`).
        public var model: String
        /// When the price took effect, microseconds since the epoch (00:00 UTC of the day).
        public var effectiveFromMicros: Int64
        /// Dollars per million input tokens.
        public var input: Decimal
        /// Dollars per million output tokens.
        public var output: Decimal
        /// Dollars per million cached input tokens (cache reads), when the provider discounts them.
        public var cachedInput: Decimal?
        /// Dollars per million input tokens written to the cache (Anthropic's cache writes), when
        /// the provider charges them apart.
        public var cacheCreationInput: Decimal?
        /// Dollars per million reasoning output tokens, when the provider charges them apart.
        public var reasoningOutput: Decimal?
    }

    private var prices: [String: [Price]] = [:]
    private var aliases: [String: String] = [:]
    /// Each entry's `match` patterns with the model they price, in the table's order (a user's
    /// table before the shipped one).
    private var patterns: [(pattern: LabelRegex, model: String)] = []

    /// An empty table.
    public init() {}

    /// Reads the JSON form (`pricing/prices.json`): `{"prices": [{"provider", "model",
    /// "effective_from": "YYYY-MM-DD", "input", "output", "cached_input"?, "cache_creation_input"?,
    /// "reasoning_output"?, "aliases"?, "match"?}]}`, amounts as decimal strings. `match` holds
    /// regular expressions (RE2's syntax, matched in linear time against the whole normalised
    /// name) for names the aliases do not list. `source` names the file in errors.
    public init(json: Data, source: String) throws {
        struct File: Decodable {
            struct Entry: Decodable {
                var provider: String
                var model: String
                var effective_from: String
                var input: String
                var output: String
                var cached_input: String?
                var cache_creation_input: String?
                var reasoning_output: String?
                var aliases: [String]?
                var match: [String]?
            }
            var prices: [Entry]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw VigilError(.configuration, "\(source) is not a price table: \(error)")
        }
        for (position, entry) in file.prices.enumerated() {
            let place = "\(source), price \(position + 1) (\(entry.model))"
            guard let input = Self.amount(entry.input), let output = Self.amount(entry.output) else {
                throw VigilError(.configuration, "\(place): input and output must be decimal amounts like \"2.50\"")
            }
            func optional(_ text: String?, _ field: String) throws -> Decimal? {
                guard let text else { return nil }
                guard let value = Self.amount(text) else {
                    throw VigilError(.configuration, "\(place): \(field) must be a decimal amount like \"0.30\"")
                }
                return value
            }
            let cached = try optional(entry.cached_input, "cached_input")
            let cacheCreation = try optional(entry.cache_creation_input, "cache_creation_input")
            let reasoning = try optional(entry.reasoning_output, "reasoning_output")
            guard let effective = Self.day(entry.effective_from) else {
                throw VigilError(.configuration, "\(place): effective_from must be a date like 2024-08-06")
            }
            let model = ModelName.normalise(entry.model)
            add(Price(provider: entry.provider, model: model, effectiveFromMicros: effective, input: input, output: output,
                      cachedInput: cached, cacheCreationInput: cacheCreation, reasoningOutput: reasoning))
            for alias in entry.aliases ?? [] { aliases[ModelName.normalise(alias)] = model }
            for text in entry.match ?? [] {
                do {
                    patterns.append((try LabelRegex(text), model))
                } catch {
                    throw VigilError(.configuration, "\(place): match \(text) is not a pattern this table takes: \(error)")
                }
            }
        }
    }

    /// This table with `overrides` laid over it: a price of the same model and date replaces the
    /// shipped one, anything else is added.
    public func merging(_ overrides: PriceTable) -> PriceTable {
        var merged = self
        for list in overrides.prices.values {
            for price in list { merged.add(price) }
        }
        merged.aliases.merge(overrides.aliases) { _, new in new }
        merged.patterns = overrides.patterns + patterns
        return merged
    }

    /// The price of `model` in force at `micros`, or nil when the table has none.
    public func price(for model: String, atMicros micros: Int64) -> Price? {
        Self.price(in: history(ofNormalised: ModelName.normalise(model)), atMicros: micros)
    }

    /// Every price of the model whose normal form is `name` (see `pricedName(ofNormalised:)`),
    /// oldest first: a processor looks it up once per model and picks by date per call.
    public func history(ofNormalised name: String) -> [Price] {
        pricedName(ofNormalised: name).flatMap { prices[$0] } ?? []
    }

    /// The model the table prices a normalised `name` as: the name itself, the model it is an
    /// alias of, or the first model whose `match` pattern takes it; nil when none does. The
    /// rollups count a call under this name, so aliases and variants add up under one model.
    public func pricedName(ofNormalised name: String) -> String? {
        if prices[name] != nil { return name }
        if let target = aliases[name], prices[target] != nil { return target }
        return patterns.first { $0.pattern.matches(name) }?.model
    }

    /// The price of `history` in force at `micros`.
    public static func price(in history: [Price], atMicros micros: Int64) -> Price? {
        history.last { $0.effectiveFromMicros <= micros }
    }

    /// The cost of one call, or nil when the model has no price at that time (see `cost(at:usage:)`).
    public func cost(model: String, atMicros micros: Int64, usage: TokenUsage) -> Decimal? {
        price(for: model, atMicros: micros).map { Self.cost(at: $0, usage: usage) }
    }

    /// The cost of one call at `price`. Cache reads and cache writes are part of the input tokens,
    /// reasoning tokens part of the output tokens (as the GenAI conventions count them): each part
    /// is charged once, at its own price where the table has one and at the plain input or output
    /// price where it has none. A part larger than its whole is cut to it, so nothing is counted
    /// twice whatever the app sent.
    public static func cost(at price: Price, usage: TokenUsage) -> Decimal {
        let input = max(0, usage.input)
        let output = max(0, usage.output)
        let cacheRead = min(max(0, usage.cacheRead), input)
        let cacheWrite = min(max(0, usage.cacheWrite), input - cacheRead)
        let reasoning = min(max(0, usage.reasoning), output)
        var total = Decimal(input - cacheRead - cacheWrite) * price.input
        total += Decimal(cacheRead) * (price.cachedInput ?? price.input)
        total += Decimal(cacheWrite) * (price.cacheCreationInput ?? price.input)
        total += Decimal(output - reasoning) * price.output
        total += Decimal(reasoning) * (price.reasoningOutput ?? price.output)
        return total * Self.perMillion
    }

    /// 10⁻⁶, exactly: multiplying by it is an exponent shift, where dividing by a million is long division.
    private static let perMillion = Decimal(sign: .plus, exponent: -6, significand: 1)

    /// How many models (normal forms) the table prices.
    public var modelCount: Int { prices.count }

    private mutating func add(_ price: Price) {
        var list = prices[price.model, default: []].filter { $0.effectiveFromMicros != price.effectiveFromMicros }
        list.append(price)
        list.sort { $0.effectiveFromMicros < $1.effectiveFromMicros }
        prices[price.model] = list
    }

    private static func amount(_ text: String) -> Decimal? {
        guard !text.isEmpty, text.allSatisfy({ $0.isNumber || $0 == "." }), text.filter({ $0 == "." }).count <= 1 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    private static func day(_ text: String) -> Int64? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        return Int64(CivilTime.days(year: year, month: month, day: day)) * 86_400_000_000
    }
}
