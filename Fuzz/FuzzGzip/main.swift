// libFuzzer target: gzip request bodies: `Gzip.inflate` under a 1 MiB limit; whatever inflates must survive a deflate and inflate round trip unchanged.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilIngest

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = 1 << 20
    guard let inflated = try? Gzip.inflate(body, limit: limit) else { return 0 }
    precondition(inflated.count <= limit, "inflate returned \(inflated.count) bytes past its limit of \(limit)")
    let again = try? Gzip.inflate(Gzip.deflate(inflated), limit: limit)
    precondition(again == inflated, "deflate then inflate changed \(inflated.count) bytes")
    return 0
}
