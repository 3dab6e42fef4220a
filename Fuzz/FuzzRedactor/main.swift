// libFuzzer target: free text through the PII detector, the redactor (mask and hash) and the safety scanner; findings must be in order, not overlapping, inside the text.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilSafety

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let scalarCount = text.unicodeScalars.count
    var previousEnd = 0
    for finding in PIIDetector.findings(in: text) {
        precondition(finding.start >= previousEnd && finding.start < finding.end && finding.end <= scalarCount,
                     "finding \(finding.kind) at \(finding.start)..<\(finding.end) after \(previousEnd) in \(scalarCount) scalars")
        previousEnd = finding.end
    }
    let key = [UInt8](repeating: 7, count: 32)
    _ = Redactor(policy: RedactionPolicy(mode: .mask), projectKey: key).redact(text)
    _ = Redactor(policy: RedactionPolicy(mode: .hash), projectKey: key).redact(text)
    let scanner = SafetyScanner(policy: RedactionPolicy())
    _ = scanner.scan(text, role: .input)
    _ = scanner.scan(text, role: .output)
    return 0
}
