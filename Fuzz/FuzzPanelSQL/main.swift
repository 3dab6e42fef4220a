// libFuzzer target: panel SQL: `PanelSQLGuard.check` (its tokenizer and rules), and Grafana's expansion of the same text with no variables.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilDashboards

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let sql = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PanelSQLGuard.check(sql)
    let expander = GrafanaExpander(fromMillis: 1_700_000_000_000, toMillis: 1_700_003_600_000, variables: [:])
    if let expanded = try? expander.expand(sql, panel: nil) {
        _ = try? PanelSQLGuard.check(expanded)
    }
    return 0
}
