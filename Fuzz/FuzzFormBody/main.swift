// libFuzzer target: `application/x-www-form-urlencoded` bodies of the web view's forms; every field read back must be found by its name.
// Built and run by scripts/fuzz.sh (`make fuzz`); see Package.swift for why this is a main.swift.
internal import VigilWebUI

/// Runs one input; returns 0, as libFuzzer requires. A crash or a failed precondition is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let form = FormBody(text) else { return 0 }
    for (name, value) in form.fields {
        precondition(form[name] == value, "field \(name) is not found by its name")
    }
    return 0
}
