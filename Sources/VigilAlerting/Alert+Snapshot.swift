extension Alert {
    /// The alert as receivers see it, with `annotations` rendered by the caller
    /// (`AlertRule.renderedAnnotations`), or nil while it is inactive or pending.
    public func snapshot(annotations: [String: String], generatorURL: String) -> AlertSnapshot? {
        switch state {
        case .firing:
            guard let firedAt else { return nil }
            return AlertSnapshot(labels: labels, annotations: annotations, startsAt: firedAt, endsAt: nil, generatorURL: generatorURL)
        case .resolved:
            guard let firedAt, let resolvedAt else { return nil }
            return AlertSnapshot(labels: labels, annotations: annotations, startsAt: firedAt, endsAt: resolvedAt, generatorURL: generatorURL)
        case .inactive, .pending:
            return nil
        }
    }
}
