// libFuzzer target: rule files: the text goes through `RuleChecker.check` (Yams' composer, then the rule, receiver and SLO parsers and the checks between them).
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilAlerting

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let report = RuleChecker.check([RuleFile(path: "fuzz.yaml", contents: text)])
    _ = report.lines
    return 0
}
