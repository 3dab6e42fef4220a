public import VigilCore

/// The content-safety checks of one project, for one text at a time: PII positions, the
/// prompt-injection score of inputs and retrieved texts, the output signals of outputs. The ingest
/// path and `POST /api/v1/guard` both call it, so the same text gets the same findings.
public struct SafetyScanner: Sendable {
    /// The injection detector, with the project's threshold.
    public var injection: InjectionDetector
    /// The output checks, with the project's allowed link domains.
    public var outputs: OutputSignals

    /// A scanner with `policy`'s threshold and allowed link domains.
    public init(policy: RedactionPolicy) {
        injection = InjectionDetector(threshold: policy.injectionThreshold)
        outputs = OutputSignals(allowedDomains: policy.allowedLinkDomains)
    }

    /// What one text holds, checked as `role`.
    /// - Parameters:
    ///   - system: the call's system instructions, for leakage (outputs only).
    ///   - codeTask: whether code was asked for (outputs only).
    public func scan(_ text: String, role: ContentRole, system: String? = nil, codeTask: Bool = false) -> SafetyReport {
        switch role {
        case .input, .retrieved:
            return SafetyReport(role: role, injection: injection.scan(text, role: role), signals: [], pii: PIIDetector.findings(in: text))
        case .output:
            return SafetyReport(role: role, injection: nil, signals: outputs.scan(text, system: system, codeTask: codeTask), pii: [])
        }
    }

    /// The injection result of several turns of one conversation together (or several retrieved texts).
    public func scan(turns: [String], role: ContentRole) -> InjectionResult {
        injection.scan(turns: turns, role: role == .output ? .input : role)
    }

    /// As `scan(turns:role:)`, given each turn's report from `scan(_:role:)` (in order), whose
    /// injection results are used rather than scored again.
    public func scan(turns: [String], role: ContentRole, reports: [SafetyReport]) -> InjectionResult {
        let singles = reports.compactMap(\.injection)
        return injection.scan(turns: turns, role: role == .output ? .input : role, singles: singles.count == reports.count ? singles : [])
    }
}

/// The findings in one text: the injection result (inputs and retrieved texts), the output signals
/// (outputs, PII and secrets among them) and the PII positions (inputs and retrieved texts).
public struct SafetyReport: Sendable {
    /// How the text was checked.
    public var role: ContentRole
    /// The injection score and category, for inputs and retrieved texts.
    public var injection: InjectionResult?
    /// The output signals, for outputs.
    public var signals: [OutputSignal]
    /// PII positions, for inputs and retrieved texts (outputs report them as signals).
    public var pii: [PIIFinding]

    /// Makes a report.
    public init(role: ContentRole, injection: InjectionResult?, signals: [OutputSignal], pii: [PIIFinding]) {
        self.role = role
        self.injection = injection
        self.signals = signals
        self.pii = pii
    }

    /// Whether anything calls for attention: a flagged injection or an output signal other than PII.
    public var flagged: Bool {
        (injection?.flagged ?? false) || signals.contains { $0.kind != .pii }
    }

    /// Writes the findings as fields of the open object: `injection`, `signals`, `pii`. Kinds,
    /// scores and positions only, never the text.
    public func writeFields(into writer: inout JSONWriter) {
        if let injection { injection.write("injection", into: &writer) }
        if role == .output {
            writer.beginArray("signals")
            for signal in signals { signal.write(into: &writer) }
            writer.endArray()
        } else {
            writer.beginArray("pii")
            for finding in pii {
                writer.beginObject()
                writer.string("kind", finding.kind.rawValue)
                writer.int("start", Int64(finding.start))
                writer.int("end", Int64(finding.end))
                writer.endObject()
            }
            writer.endArray()
        }
    }
}

extension InjectionResult {
    /// Writes the result as an object under `key`: score (4 decimals), flagged, category when
    /// flagged, threshold, and the obfuscation seen.
    public func write(_ key: String?, into writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.double("score", (score * 10_000).rounded() / 10_000)
        writer.bool("flagged", flagged)
        if let category { writer.string("category", category.rawValue) }
        writer.double("threshold", threshold)
        if hiddenCharacters > 0 { writer.int("hidden_characters", Int64(hiddenCharacters)) }
        if homoglyphs > 0 { writer.int("homoglyphs", Int64(homoglyphs)) }
        if roleMarkers > 0 { writer.int("role_markers", Int64(roleMarkers)) }
        if !decoded.isEmpty {
            writer.beginArray("decoded")
            for kind in decoded { writer.string(nil, kind.rawValue) }
            writer.endArray()
        }
        writer.endObject()
    }
}

extension OutputSignal {
    /// Writes the signal as an object: kind, start, end, and the detail (domain, term or PII kind).
    public func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("kind", kind.rawValue)
        writer.int("start", Int64(start))
        writer.int("end", Int64(end))
        if let detail { writer.string("detail", detail) }
        writer.endObject()
    }
}
