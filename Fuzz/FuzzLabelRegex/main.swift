// libFuzzer target: silence matcher regexes: the input up to its first newline is the pattern, the rest a label value it is matched against.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilCore

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let pattern = String(decoding: bytes[..<split], as: UTF8.self)
    let value = split < bytes.count ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : ""
    guard let regex = try? LabelRegex(pattern) else { return 0 }
    _ = regex.matches(value)
    _ = regex.matches(pattern)
    return 0
}
