internal import Foundation
internal import PostgresNIO
internal import VigilStats
internal import VigilProjections

/// The key of one rollup row: project × bucket × service × model × operation × status × kind.
struct RollupKey: Hashable, Sendable {
    var projectID: Int64
    /// The bucket's start (a minute, hour or day).
    var bucketMicros: Int64
    var service: String
    var model: String
    var operation: String
    var status: String
    /// The span's `SpanKind` (llm, tool, agent, other), as stored.
    var kind: String

    /// The same group in the bucket of `tier` that holds this one's.
    func rebucketed(to tier: RollupTier) -> RollupKey {
        var key = self
        key.bucketMicros = tier.bucket(of: bucketMicros)
        return key
    }
}

/// What one rollup row holds.
struct RollupTotals: Sendable {
    var count: Int64 = 0
    var errors: Int64 = 0
    var skewed: Int64 = 0
    var latency = QuantileSketch()
    var ttft = QuantileSketch()
    var inputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cost = Decimal(0)
    var unpriced: Int64 = 0
    /// The built-in checks of the rows' LLM outputs.
    var checks = CheckTotals()
    /// Calls that carried the app's own cost while Vigil priced them too: how many, the app's
    /// sum and Vigil's sum over those calls.
    var reported = ReportedCost()

    /// Adds one span. `cost` is nil for a span that is not a priced LLM call with tokens, and
    /// `.some(nil)` for a call whose model has no price; `findings` are the checks of its output,
    /// nil when it carries none.
    mutating func add(isError: Bool, durationNanos: Int64, ttftMillis: Double?, input: Int64?, output: Int64?, cost: Decimal??, findings: OutputChecks.Findings? = nil,
                      reported: (app: Decimal, vigil: Decimal)? = nil) {
        count += 1
        if isError { errors += 1 }
        if durationNanos < 0 {
            skewed += 1
        } else {
            latency.add(Double(durationNanos) / 1_000_000)
        }
        if let ttftMillis { ttft.add(ttftMillis) }
        inputTokens += input ?? 0
        outputTokens += output ?? 0
        switch cost {
        case .some(.some(let dollars)): self.cost += dollars
        case .some(.none): unpriced += 1
        case .none: break
        }
        if let findings { checks.add(findings) }
        if let reported {
            self.reported.calls += 1
            self.reported.app += reported.app
            self.reported.vigil += reported.vigil
        }
    }

    mutating func merge(_ other: RollupTotals) {
        count += other.count
        errors += other.errors
        skewed += other.skewed
        latency.merge(other.latency)
        ttft.merge(other.ttft)
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cost += other.cost
        unpriced += other.unpriced
        checks.merge(other.checks)
        reported.calls += other.reported.calls
        reported.app += other.reported.app
        reported.vigil += other.reported.vigil
    }
}

/// The app's costs beside Vigil's, over the calls that carried both.
struct ReportedCost: Sendable, Equatable {
    var calls: Int64 = 0
    var app = Decimal(0)
    var vigil = Decimal(0)

    /// The rollup tables' columns, in the order of the fields.
    static let columns = ["reported_calls", "reported_cost_usd", "reported_vigil_cost_usd"]
}

extension CheckTotals {
    /// Counts one span's findings.
    mutating func add(_ findings: OutputChecks.Findings) {
        outputs += 1
        if findings.empty { empty += 1 }
        if findings.refusal { refusal += 1 }
        if findings.truncated { truncated += 1 }
        if let invalid = findings.invalidJSON {
            jsonChecked += 1
            if invalid { invalidJSON += 1 }
        }
    }
}

extension Dictionary where Key == RollupKey, Value == RollupTotals {
    /// These rows merged into the buckets of `tier`.
    func rebucketed(to tier: RollupTier) -> [RollupKey: RollupTotals] {
        var merged: [RollupKey: RollupTotals] = [:]
        merged.reserveCapacity(count)
        for (key, totals) in self {
            let coarser = key.rebucketed(to: tier)
            // The first row of a bucket is stored as it is (sharing its sketches' storage), not
            // merged into an empty one.
            if let index = merged.index(forKey: coarser) {
                merged.values[index].merge(totals)
            } else {
                merged[coarser] = totals
            }
        }
        return merged
    }

    /// These minute rows in every coarser tier. Each tier is summed from the one before it
    /// (ten minutes from minutes, hours from ten minutes, days from hours): their buckets nest.
    func coarserTiers() -> [RollupTier: [RollupKey: RollupTotals]] {
        var tiers: [RollupTier: [RollupKey: RollupTotals]] = [:]
        var finer = self
        for tier in RollupTier.all.dropFirst() {
            finer = finer.rebucketed(to: tier)
            tiers[tier] = finer
        }
        return tiers
    }
}

extension Array where Element == (key: RollupKey, value: RollupTotals) {
    /// The rows ordered by project and bucket, the order of the tables' primary keys: inserted in
    /// that order, each batch's rows go to neighbouring index pages.
    func inKeyOrder() -> [(key: RollupKey, value: RollupTotals)] {
        positions { (self[$0].key.projectID, self[$0].key.bucketMicros) }.map { self[$0] }
    }
}

extension Array {
    /// The elements' positions in the order of a pair of integers. Only the pairs and positions
    /// are sorted: no element is copied (and retained and released) on the way.
    func positions(orderedBy key: (Int) -> (Int64, Int64)) -> [Int] {
        var keyed: [(Int64, Int64, Int)] = []
        keyed.reserveCapacity(count)
        for index in indices {
            let (first, second) = key(index)
            keyed.append((first, second, index))
        }
        keyed.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return keyed.map(\.2)
    }
}
