internal import VigilProjections
internal import VigilQueries

/// The rollup reads of one evaluation cycle. Rules that ask for the same project, minutes, service
/// and model filter, span kind and grouping share one read: a summary group carries every metric,
/// so a thousand rules over one window and grouping read the rollups once, and each keeps only
/// the groups its own filter accepts. Lives for one cycle (the rollups may change between cycles).
final class CycleReads {
    /// The reader behind it (budget and baseline reads go straight to it).
    let reader: RollupReader

    private struct Key: Hashable {
        var projectID: Int64
        var fromMicros: Int64
        var toMicros: Int64
        var service: String?
        var model: String?
        var kind: SpanKind?
        var groupBy: [RollupReader.Dimension]
    }

    private var summaries: [Key: [RollupReader.Group]] = [:]

    init(reader: RollupReader) {
        self.reader = reader
    }

    /// `RollupReader.summary`, read once per cycle for each distinct set of arguments.
    func summary(projectID: Int64, fromMicros: Int64, toMicros: Int64, service: String?, model: String?, kind: SpanKind?,
                 groupBy: [RollupReader.Dimension]) async throws -> [RollupReader.Group] {
        let key = Key(projectID: projectID, fromMicros: fromMicros, toMicros: toMicros, service: service, model: model, kind: kind, groupBy: groupBy)
        if let known = summaries[key] {
            return known
        }
        let groups = try await reader.summary(projectID: projectID, fromMicros: fromMicros, toMicros: toMicros, service: service, model: model,
                                              kind: kind, groupBy: groupBy)
        summaries[key] = groups
        return groups
    }
}
