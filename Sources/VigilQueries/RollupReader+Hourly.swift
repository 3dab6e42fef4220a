internal import VigilProjections

extension RollupReader {
    /// The summary of each whole UTC hour in [`fromMicros`, `toMicros`) (both hour-aligned) that has
    /// data, in one query, keyed by the hour's start, with one group per value of `groupBy` in
    /// each; the same filters as `summary`. Reads the hourly rollups, which outlive the minute and
    /// ten-minute ones, so anomaly rules can look weeks back.
    public func hourly(projectID: Int64, fromMicros: Int64, toMicros: Int64, service: String?, model: String?, groupBy: [Dimension]) async throws -> [Int64: [Group]] {
        let hour = RollupTier.hour.bucketMicros
        let segments = RollupTier.segments(fromMicros: RollupTier.hour.bucket(of: fromMicros), toMicros: RollupTier.hour.bucket(of: toMicros), step: hour)
        let filter = Filter(projectID: projectID, service: service, model: model.map(ModelName.normalise))
        let keys = ["((bucket_us / \(hour)) * \(hour))::text"] + groupBy.map(\.rawValue)
        let groups = try await fold(segments, filter: filter, keys: keys) { values in
            Group(dimensions: zip(groupBy, values.dropFirst()).map { ($0, $1) })
        }
        var hours: [Int64: [Group]] = [:]
        for (key, group) in groups {
            if let first = key.first, let start = Int64(first) { hours[start, default: []].append(group) }
        }
        return hours
    }
}
