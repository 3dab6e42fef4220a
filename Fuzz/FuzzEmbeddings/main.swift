// libFuzzer target: `POST /api/v1/embeddings` bodies: `EmbeddingUpload.read` (JSON decoding, base64 float32 vectors, times, redaction of texts), as the route runs it.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import CLibFuzzer
internal import VigilHTTP
internal import VigilSafety
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

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

// libFuzzer takes over from here: it reads its flags and corpus folders from the command line and
// calls `fuzz` with each input.
var argumentCount = CommandLine.argc
var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments, fuzz))
