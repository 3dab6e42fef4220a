// libFuzzer target: `gen_ai.output.messages` values: the one-pass JSON reader of `OutputMessages`.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilProcessors

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let json = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let messages = OutputMessages.read(json) {
        _ = messages.texts.count
    }
    return 0
}
