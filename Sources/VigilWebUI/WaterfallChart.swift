/// A trace's spans as an SVG waterfall: one row per span in tree order, its name indented by its
/// depth, a bar from its offset from the trace's start for its duration, failed spans marked
/// (colour and a ✕ before the name), a time axis along the top. Each row links to the span's
/// attributes further down the page, so the rows are reachable with the keyboard.
struct WaterfallChart: Sendable {
    /// One span's row.
    struct Row: Sendable {
        /// The span id, hex: the row links to `#span-<id>`.
        var spanID: String
        /// The span's name.
        var name: String
        /// Its depth in the tree, 0 for a root.
        var depth: Int
        /// Milliseconds from the trace's start to the span's start.
        var offsetMilliseconds: Double
        /// The span's duration in milliseconds.
        var durationMilliseconds: Double
        /// Whether the span failed.
        var isError: Bool
    }

    /// The view box' width.
    static let width = 1000.0
    /// The width of the names' column.
    static let labelWidth = 330.0
    /// Room on the right of the bars for the last duration.
    static let right = 70.0
    /// Room for the time axis.
    static let top = 26.0
    /// Height of one row.
    static let rowHeight = 24.0

    /// The prefix of the chart's element ids.
    let id: String
    /// What the chart shows.
    let title: String
    /// The rows, in tree order.
    let rows: [Row]

    /// The trace's length: the latest end of any span.
    var totalMilliseconds: Double {
        max(rows.map { $0.offsetMilliseconds + max(0, $0.durationMilliseconds) }.max() ?? 0, 0.001)
    }

    /// The view box' height.
    var height: Double { Self.top + Self.rowHeight * Double(rows.count) + 8 }

    /// Row `index`'s bar: (x, y, width, height); at least 2 units wide so an instant span shows.
    func bar(_ index: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        let area = Self.width - Self.labelWidth - Self.right
        let row = rows[index]
        let x = Self.labelWidth + area * max(0, row.offsetMilliseconds) / totalMilliseconds
        let width = max(2, area * max(0, row.durationMilliseconds) / totalMilliseconds)
        return (x, Self.top + Self.rowHeight * Double(index) + 5, width, Self.rowHeight - 10)
    }

    /// The chart, or `emptyMessage` when there are no spans.
    func render(into html: inout HTML, emptyMessage: String) {
        let safeID = TimeSeriesChart.identifier(id)
        html.element("figure", ["class": "chart-figure waterfall-figure"]) { html in
            html.element("figcaption", ["class": "chart-title"], title)
            guard !rows.isEmpty else {
                html.element("p", ["class": "empty-chart"], emptyMessage)
                return
            }
            html.element("svg", [
                "class": "chart waterfall", "role": "group", "viewBox": "0 0 \(Int(Self.width)) \(Int(height.rounded(.up)))",
                "aria-labelledby": "\(safeID)-title \(safeID)-desc",
            ]) { html in
                html.element("title", ["id": "\(safeID)-title"], title)
                html.element("desc", ["id": "\(safeID)-desc"], description)
                renderAxis(into: &html)
                for index in rows.indices {
                    let row = rows[index]
                    let geometry = bar(index)
                    let summary = "\(row.name): starts at +\(Format.milliseconds(row.offsetMilliseconds)), lasts \(Format.milliseconds(row.durationMilliseconds))\(row.isError ? ", failed" : "")"
                    html.element("a", ["href": "#span-\(row.spanID)", "class": row.isError ? "span-row error" : "span-row", "aria-label": summary]) { html in
                        html.element("title", summary)
                        if index % 2 == 1 {
                            html.empty("rect", ["class": "stripe", "x": "0", "y": TimeSeriesChart.number(Self.top + Self.rowHeight * Double(index)),
                                                "width": TimeSeriesChart.number(Self.width), "height": TimeSeriesChart.number(Self.rowHeight)], selfClosing: true)
                        }
                        let maxCharacters = max(8, 40 - 2 * row.depth)
                        let name = row.name.count > maxCharacters ? String(row.name.prefix(maxCharacters - 1)) + "…" : row.name
                        html.element("text", ["class": "span-name", "x": TimeSeriesChart.number(6 + 14 * Double(min(row.depth, 12))),
                                              "y": TimeSeriesChart.number(geometry.y + geometry.height / 2), "dominant-baseline": "middle"],
                                     (row.isError ? "✕ " : "") + name)
                        html.empty("rect", ["class": row.isError ? "bar span error" : "bar span", "x": TimeSeriesChart.number(geometry.x),
                                            "y": TimeSeriesChart.number(geometry.y), "width": TimeSeriesChart.number(geometry.width),
                                            "height": TimeSeriesChart.number(geometry.height)], selfClosing: true)
                        html.element("text", ["class": "span-duration", "x": TimeSeriesChart.number(min(geometry.x + geometry.width + 4, Self.width - Self.right + 4)),
                                              "y": TimeSeriesChart.number(geometry.y + geometry.height / 2), "dominant-baseline": "middle"],
                                     Format.milliseconds(row.durationMilliseconds))
                    }
                }
            }
        }
    }

    /// The chart in words.
    var description: String {
        let failed = rows.filter(\.isError).count
        return "\(rows.count) spans over \(Format.milliseconds(totalMilliseconds))" + (failed > 0 ? ", \(failed) failed." : ", none failed.")
    }

    private func renderAxis(into html: inout HTML) {
        let area = Self.width - Self.labelWidth - Self.right
        html.element("g", ["class": "axis", "aria-hidden": "true"]) { html in
            for step in 0...4 {
                let x = TimeSeriesChart.number(Self.labelWidth + area * Double(step) / 4)
                html.empty("line", ["class": "grid", "x1": x, "x2": x, "y1": TimeSeriesChart.number(Self.top - 4), "y2": TimeSeriesChart.number(height - 4)], selfClosing: true)
                html.element("text", ["x": x, "y": "14", "text-anchor": step == 0 ? "start" : step == 4 ? "end" : "middle"],
                             "+" + Format.milliseconds(totalMilliseconds * Double(step) / 4))
            }
        }
    }
}
