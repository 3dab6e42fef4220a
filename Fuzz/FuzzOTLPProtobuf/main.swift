// libFuzzer target: OTLP/HTTP protobuf export bodies, decoded as each of the three signals with the default (masking) redaction policy.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilIngest
internal import VigilSafety

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let redactor = Redactor(policy: RedactionPolicy(), projectKey: [UInt8](repeating: 7, count: 32))
    let decoder = OTLPDecoder()
    for signal in OTLPSignal.allCases {
        _ = try? decoder.decode(signal: signal, format: .protobuf, body: body, projectID: 1, receivedAtNanos: 1_700_000_000_000_000_000, redactor: redactor)
    }
    return 0
}
