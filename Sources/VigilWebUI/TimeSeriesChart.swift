internal import Foundation

/// A line (or area) chart of one or more series over evenly spaced time buckets, as inline SVG:
/// value axis from zero with round ticks, time labels along the bottom, one path per series
/// (a missing value breaks the line), dots where a value stands alone, a `<title>` and a
/// `<desc>` that say in words what the chart shows, and a legend. With no value at all it
/// renders a message instead of an empty frame.
struct TimeSeriesChart: Sendable {
    /// One line of the chart: a value (or nil, a gap) per bucket.
    struct Series: Sendable {
        /// The legend's text.
        var name: String
        /// One value per bucket, nil where there is none.
        var values: [Double?]
    }

    /// How a series is drawn.
    enum Style: Sendable {
        /// A line.
        case line
        /// A line with the area below it filled.
        case area
    }

    /// The view box' width.
    static let width = 640.0
    /// The view box' height.
    static let height = 240.0
    /// Room for the value labels on the left.
    static let left = 64.0
    /// Room on the right.
    static let right = 16.0
    /// Room above the plot.
    static let top = 14.0
    /// Room for the time labels below the plot.
    static let bottom = 30.0

    /// The prefix of the chart's element ids (letters, digits and dashes).
    let id: String
    /// What the chart shows, e.g. "Calls per 5 minutes by model".
    let title: String
    /// The first bucket's start, microseconds since the epoch.
    let startMicros: Int64
    /// The bucket length, microseconds.
    let stepMicros: Int64
    /// The series, drawn in order.
    let series: [Series]
    /// What the values are.
    let kind: ValueKind
    /// Line or area.
    var style: Style = .line

    /// Buckets along the time axis.
    var bucketCount: Int { series.map(\.values.count).max() ?? 0 }

    /// Whether there is nothing to draw.
    var isEmpty: Bool { series.allSatisfy { $0.values.allSatisfy { $0 == nil } } }

    /// The value axis for the largest value.
    var scale: ChartScale {
        ChartScale(largest: series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0)
    }

    /// The horizontal position of bucket `index`.
    func x(_ index: Int) -> Double {
        let plot = Self.width - Self.left - Self.right
        let count = bucketCount
        return count <= 1 ? Self.left + plot / 2 : Self.left + plot * Double(index) / Double(count - 1)
    }

    /// The vertical position of `value` on `scale`.
    func y(_ value: Double, scale: ChartScale) -> Double {
        let plot = Self.height - Self.top - Self.bottom
        return Self.top + plot * (1 - scale.fraction(value))
    }

    /// The runs of consecutive values of `values`: (first index, points).
    static func runs(_ values: [Double?]) -> [[(index: Int, value: Double)]] {
        var runs: [[(index: Int, value: Double)]] = []
        var current: [(index: Int, value: Double)] = []
        for (index, value) in values.enumerated() {
            if let value, value.isFinite {
                current.append((index, value))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The path data of a line through `values` (`M x y L x y …`, a new `M` after each gap).
    func linePath(_ values: [Double?], scale: ChartScale) -> String {
        Self.runs(values).map { run in
            run.enumerated().map { offset, point in
                (offset == 0 ? "M" : "L") + Self.number(x(point.index)) + " " + Self.number(y(point.value, scale: scale))
            }.joined(separator: " ")
        }.joined(separator: " ")
    }

    /// The path data of the area under `values`, each run closed down to the axis.
    func areaPath(_ values: [Double?], scale: ChartScale) -> String {
        let base = Self.number(y(0, scale: scale))
        return Self.runs(values).map { run in
            let first = Self.number(x(run[0].index))
            let last = Self.number(x(run[run.count - 1].index))
            let line = run.map { "L" + Self.number(x($0.index)) + " " + Self.number(y($0.value, scale: scale)) }.joined(separator: " ")
            return "M\(first) \(base) \(line) L\(last) \(base) Z"
        }.joined(separator: " ")
    }

    /// The chart (or, with no values, `emptyMessage`) as a figure with a legend.
    func render(into html: inout HTML, emptyMessage: String) {
        let safeID = Self.identifier(id)
        html.element("figure", ["class": "chart-figure"]) { html in
            html.element("figcaption", ["class": "chart-title"], title)
            guard !isEmpty else {
                html.element("p", ["class": "empty-chart"], emptyMessage)
                return
            }
            let scale = self.scale
            html.element("svg", [
                "class": "chart timeseries", "role": "img", "viewBox": "0 0 \(Int(Self.width)) \(Int(Self.height))",
                "preserveAspectRatio": "xMidYMid meet", "aria-labelledby": "\(safeID)-title \(safeID)-desc",
            ]) { html in
                html.element("title", ["id": "\(safeID)-title"], title)
                html.element("desc", ["id": "\(safeID)-desc"], description)
                renderAxes(into: &html, scale: scale)
                for (index, line) in series.enumerated() where !Self.runs(line.values).isEmpty {
                    let colour = "s\(index % 8)"
                    if style == .area {
                        html.empty("path", ["class": "area \(colour)", "d": areaPath(line.values, scale: scale)], selfClosing: true)
                    }
                    html.element("path", ["class": "line \(colour)", "d": linePath(line.values, scale: scale)]) { html in
                        html.element("title", line.name)
                    }
                    for run in Self.runs(line.values) where run.count == 1 {
                        html.empty("circle", [
                            "class": "dot \(colour)", "cx": Self.number(x(run[0].index)), "cy": Self.number(y(run[0].value, scale: scale)), "r": "3",
                        ], selfClosing: true)
                    }
                }
            }
            html.element("ul", ["class": "legend"]) { html in
                for (index, line) in series.enumerated() {
                    html.element("li") { html in
                        html.element("span", ["class": "swatch s\(index % 8)", "aria-hidden": "true"], "")
                        html.text(line.name)
                    }
                }
            }
        }
    }

    /// The chart in words: per series its latest and its largest value.
    var description: String {
        let span = stepMicros * Int64(max(1, bucketCount))
        let parts = series.map { line -> String in
            let present = line.values.enumerated().compactMap { index, value in value.map { (index, $0) } }
            guard let latest = present.last, let peak = present.max(by: { $0.1 < $1.1 }) else { return "\(line.name): no data" }
            let when = Format.axisTime(micros: startMicros + Int64(peak.0) * stepMicros, spanMicros: span)
            return "\(line.name): latest \(kind.text(latest.1)), highest \(kind.text(peak.1)) at \(when) UTC"
        }
        return parts.joined(separator: "; ") + "."
    }

    private func renderAxes(into html: inout HTML, scale: ChartScale) {
        html.element("g", ["class": "axis", "aria-hidden": "true"]) { html in
            for tick in scale.ticks {
                let position = Self.number(y(tick, scale: scale))
                html.empty("line", ["class": "grid", "x1": Self.number(Self.left), "x2": Self.number(Self.width - Self.right), "y1": position, "y2": position], selfClosing: true)
                html.element("text", ["x": Self.number(Self.left - 6), "y": position, "text-anchor": "end", "dominant-baseline": "middle"], kind.axisLabel(tick))
            }
            let count = bucketCount
            let span = stepMicros * Int64(max(1, count))
            let labels = min(6, count)
            guard labels > 0 else { return }
            var used = Set<Int>()
            for label in 0..<labels {
                let index = labels == 1 ? 0 : Int((Double(label) * Double(count - 1) / Double(labels - 1)).rounded())
                guard used.insert(index).inserted else { continue }
                let anchor = label == 0 && labels > 1 ? "start" : label == labels - 1 && labels > 1 ? "end" : "middle"
                html.element("text", ["x": Self.number(x(index)), "y": Self.number(Self.height - 10), "text-anchor": anchor],
                             Format.axisTime(micros: startMicros + Int64(index) * stepMicros, spanMicros: span))
            }
        }
    }

    /// A coordinate with one decimal.
    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// `text` reduced to letters, digits and dashes, for element ids.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    }
}
