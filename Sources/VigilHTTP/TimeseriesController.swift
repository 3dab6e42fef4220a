public import Hummingbird
internal import NIOCore
internal import VigilCore
internal import VigilProjections
public import VigilQueries
internal import VigilStats
public import VigilHTTPBase

/// `GET /api/v1/timeseries?metric&step&from&to&service&model&kind`: one metric of the rollups (of
/// LLM calls unless `kind` names other spans) per step-long bucket, aligned to the epoch; buckets
/// without spans are present with a zero count (and null for percentiles and rates).
public struct TimeseriesController: Sendable {
    /// The metrics a series can show.
    enum Metric: String, CaseIterable {
        case count, errors, error_rate, clock_skewed
        case latency_p50, latency_p90, latency_p95, latency_p99
        case ttft_p50, ttft_p90, ttft_p95, ttft_p99
        case input_tokens, output_tokens, cost_usd, unpriced_calls

        /// The value for one bucket: a JSON number, or nil for null.
        func value(_ group: RollupReader.Group?) -> String? {
            let group = group ?? RollupReader.Group(dimensions: [])
            func percentile(_ sketch: QuantileSketch, _ q: Double) -> String? {
                sketch.quantile(q).map { number in
                    var writer = JSONWriter()
                    writer.double(nil, number)
                    return String(decoding: writer.bytes, as: UTF8.self)
                }
            }
            switch self {
            case .count: return String(group.count)
            case .errors: return String(group.errors)
            case .error_rate:
                guard group.count > 0 else { return nil }
                var writer = JSONWriter()
                writer.double(nil, Double(group.errors) / Double(group.count))
                return String(decoding: writer.bytes, as: UTF8.self)
            case .clock_skewed: return String(group.skewed)
            case .latency_p50: return percentile(group.latency, 0.5)
            case .latency_p90: return percentile(group.latency, 0.9)
            case .latency_p95: return percentile(group.latency, 0.95)
            case .latency_p99: return percentile(group.latency, 0.99)
            case .ttft_p50: return percentile(group.ttft, 0.5)
            case .ttft_p90: return percentile(group.ttft, 0.9)
            case .ttft_p95: return percentile(group.ttft, 0.95)
            case .ttft_p99: return percentile(group.ttft, 0.99)
            case .input_tokens: return String(group.inputTokens)
            case .output_tokens: return String(group.outputTokens)
            case .cost_usd: return "\(group.costUSD)"
            case .unpriced_calls: return String(group.unpricedCalls)
            }
        }
    }

    private let rollups: RollupReader

    /// Makes the controller over `rollups`.
    public init(rollups: RollupReader) {
        self.rollups = rollups
    }

    /// Adds the route to `group` (guarded with the read role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.get("/api/v1/timeseries") { request, context in
            try await series(request: request, context: context)
        }
    }

    func series(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        guard let metricName = query.get("metric"), let metric = Metric(rawValue: metricName) else {
            throw VigilError(.invalidInput, "query parameter metric must be one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let stepText = query.get("step").flatMap { $0.isEmpty ? nil : $0 } ?? "1m"
        let step = try Self.step(stepText)
        let (from, to) = try TimeParameter.range(query, defaultTo: EventTime.nowMicros(), lengthMicros: 3_600_000_000)
        // Times are within CivilTime.supportedMicros (less an hour) and a step is at most 366 days,
        // so none of this arithmetic can overflow.
        let first = from.floorDivided(by: step) * step
        let buckets = (to - first + step - 1) / step
        guard buckets <= Self.maxPoints else {
            throw VigilError(.invalidInput, "query parameter step=\(InputText.shown(stepText)) gives \(buckets) points for this range; \(Self.maxPoints) at most")
        }
        let service = try QueryParameter.filter(query, "service")
        let model = try QueryParameter.filter(query, "model")
        let kind = try QueryParameter.kind(query)
        let groups = try await rollups.series(
            projectID: principal.projectID, fromMicros: first, toMicros: to, stepMicros: step, service: service, model: model, kind: kind
        )
        var writer = JSONWriter(capacity: Int(buckets) * 48 + 128)
        writer.beginObject()
        writer.string("metric", metric.rawValue)
        writer.int("step_seconds", step / 1_000_000)
        writer.beginArray("points")
        var bucket = first
        while bucket < to {
            writer.beginObject()
            writer.string("t", CivilTime.rfc3339(micros: bucket))
            if let value = metric.value(groups[bucket]) {
                writer.raw("value", Array(value.utf8))
            } else {
                writer.null("value")
            }
            writer.endObject()
            bucket += step
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    /// The most points a series may have.
    static let maxPoints: Int64 = 10_000

    /// The steps a series may take, in seconds: a minute (rollups are per minute) to 366 days.
    static let stepSeconds: ClosedRange<Int64> = 60...31_622_400

    /// Microseconds of a step: `1m`, `5m`, `1h`, `1d` or seconds, a whole number of minutes in
    /// `stepSeconds` (`30s`-style steps are refused: rollups are per minute). Overflow-checked.
    /// - Throws: `VigilError` `.invalidInput` naming `step` and the steps allowed.
    static func step(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var seconds: Int64?
        if let unit = text.last, let factor = units[unit], let number = Int64(text.dropLast()) {
            let (product, overflow) = number.multipliedReportingOverflow(by: factor)
            seconds = overflow ? nil : product
        } else if let number = Int64(text) {
            seconds = number
        }
        guard let seconds, stepSeconds.contains(seconds), seconds % 60 == 0 else {
            throw VigilError(.invalidInput, "query parameter step=\(InputText.shown(text)) must be a whole number of minutes from 1m to 366d, such as 1m, 5m, 1h, 1d or 300")
        }
        return seconds * 1_000_000
    }
}
