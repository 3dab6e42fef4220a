extension DataFrame {
    /// The `time_series` form Grafana's SQL data sources give a long result (a time column,
    /// string columns naming series, number columns): one time field, then one field per number
    /// column and series, labelled with the series' strings, null where a series has no row.
    func wide() -> DataFrame {
        guard let timeIndex = fields.firstIndex(where: { $0.type == "time" }) else { return self }
        let labelIndices = fields.indices.filter { fields[$0].type == "string" }
        let valueIndices = fields.indices.filter { fields[$0].type == "number" || fields[$0].type == "boolean" }
        var times: [String] = []
        var timeSlot: [String: Int] = [:]
        var seriesKeys: [[String]] = []
        var seriesSlot: [[String]: Int] = [:]
        for row in 0..<rowCount {
            guard case .number(let time) = fields[timeIndex].values[row] else { continue }
            if timeSlot[time] == nil {
                timeSlot[time] = times.count
                times.append(time)
            }
            let key = labelIndices.map { fields[$0].values[row].stringValue ?? "" }
            if seriesSlot[key] == nil {
                seriesSlot[key] = seriesKeys.count
                seriesKeys.append(key)
            }
        }
        let order = times.indices.sorted { (Int64(times[$0]) ?? 0) < (Int64(times[$1]) ?? 0) }
        var position = [Int](repeating: 0, count: times.count)
        for (rank, slot) in order.enumerated() { position[slot] = rank }
        var output = DataFrame(refID: refID, executedSQL: executedSQL, fields: [], truncated: truncated)
        output.fields.append(Field(name: fields[timeIndex].name, type: "time", values: order.map { .number(times[$0]) }))
        for valueIndex in valueIndices {
            for key in seriesKeys {
                output.fields.append(Field(
                    name: fields[valueIndex].name,
                    type: fields[valueIndex].type,
                    labels: zip(labelIndices, key).map { (fields[$0.0].name, $0.1) },
                    values: Array(repeating: .null, count: times.count)
                ))
            }
        }
        for row in 0..<rowCount {
            guard case .number(let time) = fields[timeIndex].values[row], let slot = timeSlot[time] else { continue }
            let key = labelIndices.map { fields[$0].values[row].stringValue ?? "" }
            guard let series = seriesSlot[key] else { continue }
            for (offset, valueIndex) in valueIndices.enumerated() {
                output.fields[1 + offset * seriesKeys.count + series].values[position[slot]] = fields[valueIndex].values[row]
            }
        }
        return output
    }
}
