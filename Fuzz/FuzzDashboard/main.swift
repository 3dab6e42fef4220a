// libFuzzer target: dashboard documents: the JSON parser, then `Dashboard` (its checks and `PanelSQLGuard` on every target), then every target's SQL expanded with the saved variable choices.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilDashboards

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let json = try? JSONValue(parsing: bytes), let dashboard = try? Dashboard(json: json, source: .imported) else { return 0 }
    var variables: [String: (variable: TemplateVariable, selection: TemplateVariable.Selection)] = [:]
    var options: [String: [String]] = [:]
    for variable in dashboard.variables {
        variables[variable.name] = (variable: variable, selection: variable.saved)
        options[variable.name] = variable.options
    }
    let expander = GrafanaExpander(fromMillis: 1_700_000_000_000, toMillis: 1_700_003_600_000, variables: variables, options: options)
    for panel in dashboard.panels {
        for target in panel.targets {
            _ = try? expander.expand(target.rawSQL, panel: panel)
        }
    }
    return 0
}
