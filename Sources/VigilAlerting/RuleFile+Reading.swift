internal import Foundation

extension RuleFile {
    /// Reads the files at `paths`; a directory stands for its `*.yaml` and `*.yml` files, sorted by
    /// name. A path that cannot be read is a problem (code `unreadable`), not a thrown error, so
    /// `vigil rules check` reports it with the others.
    public static func read(paths: [String]) -> (files: [RuleFile], problems: [RuleProblem]) {
        var files: [RuleFile] = []
        var problems: [RuleProblem] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(RuleProblem(.unreadable, at: SourceLocation(file: path, line: 1, column: 1), "no such file or directory"))
                continue
            }
            var members = [path]
            if isDirectory.boolValue {
                do {
                    let names = try manager.contentsOfDirectory(atPath: path)
                        .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                        .sorted()
                    let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                    members = names.map { base + "/" + $0 }
                } catch {
                    problems.append(RuleProblem(.unreadable, at: SourceLocation(file: path, line: 1, column: 1), "cannot list the directory"))
                    continue
                }
            }
            for member in members {
                guard let data = manager.contents(atPath: member) else {
                    problems.append(RuleProblem(.unreadable, at: SourceLocation(file: member, line: 1, column: 1), "cannot read the file"))
                    continue
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    problems.append(RuleProblem(.unreadable, at: SourceLocation(file: member, line: 1, column: 1), "the file is not UTF-8 text"))
                    continue
                }
                files.append(RuleFile(path: member, contents: text))
            }
        }
        return (files, problems)
    }
}
