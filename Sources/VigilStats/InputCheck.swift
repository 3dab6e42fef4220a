/// The checks every vector and value passes before any arithmetic, with messages that name the
/// window, the vector and the component at fault.
enum InputCheck {
    static func rows(_ values: UnsafeBufferPointer<Float>, dimension: Int, window: String, firstIndex: Int = 0) throws(DriftError) {
        guard dimension > 0 else {
            throw DriftError(.emptyVector, "\(window) vectors are empty (dimension 0)")
        }
        guard values.count % dimension == 0 else {
            throw DriftError(
                .dimensionMismatch,
                "\(window) holds \(values.count) values, not a whole number of \(dimension)-dimensional vectors"
            )
        }
        // x·0 is 0 for every finite x and NaN otherwise: one vectorisable sum finds out whether
        // there is anything to report, and only then is the position looked for.
        var probe: Float = 0
        for value in values { probe += value * 0 }
        guard probe.isNaN else { return }
        for index in values.indices where !values[index].isFinite {
            throw DriftError(
                .nonFiniteValue,
                "\(window) vector \(firstIndex + index / dimension) has a non-finite component \(index % dimension) (\(values[index]))"
            )
        }
    }

    static func vector(_ vector: [Float], dimension: Int, window: String, index: Int) throws(DriftError) {
        guard !vector.isEmpty else {
            throw DriftError(.emptyVector, "\(window) vector \(index) is empty")
        }
        guard vector.count == dimension else {
            throw DriftError(
                .dimensionMismatch,
                "\(window) vector \(index) has \(vector.count) components, expected \(dimension)"
            )
        }
        for component in vector.indices where !vector[component].isFinite {
            throw DriftError(
                .nonFiniteValue,
                "\(window) vector \(index) has a non-finite component \(component) (\(vector[component]))"
            )
        }
    }

    static func scalar(_ value: Double, window: String, index: Int) throws(DriftError) {
        guard value.isFinite else {
            throw DriftError(.nonFiniteValue, "\(window) value \(index) is not finite (\(value))")
        }
    }

    static func enoughSamples(_ count: Int, window: String) throws(DriftError) {
        guard count >= Deciles.minimumSamples else {
            throw DriftError(
                .tooFewSamples,
                "\(window) window has \(count) samples; drift needs at least \(Deciles.minimumSamples) (10 per bin)"
            )
        }
    }
}
