internal import Foundation

/// Where the demo tells the user what it does: one line at a time, each written at once (so a
/// pipe sees it immediately), prefixed with the time since the demo started.
public struct DemoOutput: Sendable {
    private let started: ContinuousClock.Instant
    private let write: @Sendable (String) -> Void

    /// Output to standard output.
    public init() {
        self.init { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    }

    /// Output to `write`, one line (without its newline) a call.
    public init(write: @escaping @Sendable (String) -> Void) {
        started = .now
        self.write = write
    }

    /// A line with the elapsed time, `[m:ss] text`.
    public func line(_ text: String) {
        let elapsed = Int((ContinuousClock.now - started).components.seconds)
        let stamp = "[\(elapsed / 60):\(String(elapsed % 60).leftPadded(to: 2))]"
        for (index, part) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            write((index == 0 ? stamp : String(repeating: " ", count: stamp.count)) + " " + part)
        }
    }

    /// A line as it is.
    public func plain(_ text: String) {
        write(text)
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
