// libFuzzer target: `POST /api/v1/embeddings` bodies: `EmbeddingUpload.read` (JSON decoding, base64 float32 vectors, times, redaction of texts), as the route runs it.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilHTTP
internal import VigilSafety

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let redactor = Redactor(policy: RedactionPolicy(), projectKey: [UInt8](repeating: 7, count: 32))
    if let upload = try? EmbeddingUpload.read(body, projectID: 1, receivedAtMicros: 1_700_000_000_000_000, redactor: redactor) {
        precondition(upload.vectorCount > 0 && upload.dimension > 0, "an accepted upload has no vectors")
    }
    return 0
}
