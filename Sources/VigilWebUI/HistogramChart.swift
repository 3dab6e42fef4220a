/// Reference-versus-current proportions per bin of one drift component, as SVG bars side by
/// side: bins along the bottom (numbered; each bar's `<title>` gives its range), the proportion
/// axis from zero, a `<title>` and `<desc>` in words, and a legend.
struct HistogramChart: Sendable {
    /// The view box' width.
    static let width = 640.0
    /// The view box' height.
    static let height = 220.0
    /// Room for the value labels on the left.
    static let left = 56.0
    /// Room on the right.
    static let right = 12.0
    /// Room above the plot.
    static let top = 12.0
    /// Room for the bin numbers below the plot.
    static let bottom = 34.0

    /// The prefix of the chart's element ids.
    let id: String
    /// What the chart shows.
    let title: String
    /// The bin edges (one fewer than the bins); bins are closed on the left.
    let edges: [Double]
    /// The reference window's proportion per bin.
    let reference: [Double]
    /// The current window's proportion per bin.
    let current: [Double]

    /// Bins drawn.
    var binCount: Int { max(reference.count, current.count) }

    /// The proportion axis.
    var scale: ChartScale {
        ChartScale(largest: (reference + current).filter(\.isFinite).max() ?? 0)
    }

    /// The bars: for each bin the reference's then the current's, as (x, y, width, height).
    func bars() -> [(bin: Int, isCurrent: Bool, x: Double, y: Double, width: Double, height: Double)] {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let slot = plotWidth / Double(max(1, binCount))
        let barWidth = slot * 0.38
        let scale = self.scale
        var bars: [(bin: Int, isCurrent: Bool, x: Double, y: Double, width: Double, height: Double)] = []
        for bin in 0..<binCount {
            for (isCurrent, values) in [(false, reference), (true, current)] {
                let value = bin < values.count && values[bin].isFinite ? values[bin] : 0
                let height = max(0.5, plotHeight * scale.fraction(value))
                let x = Self.left + slot * Double(bin) + slot * 0.1 + (isCurrent ? barWidth + slot * 0.04 : 0)
                bars.append((bin, isCurrent, x, Self.top + plotHeight - height, barWidth, height))
            }
        }
        return bars
    }

    /// Bin `index`'s range in words: `below -0.12`, `[-0.12, 0.05)`, `0.98 and above`.
    func range(ofBin index: Int) -> String {
        let low = index > 0 && index - 1 < edges.count ? edges[index - 1] : nil
        let high = index < edges.count ? edges[index] : nil
        switch (low, high) {
        case (nil, let high?): return "below \(Format.significant(high, digits: 4))"
        case (let low?, nil): return "\(Format.significant(low, digits: 4)) and above"
        case (let low?, let high?): return "[\(Format.significant(low, digits: 4)), \(Format.significant(high, digits: 4)))"
        case (nil, nil): return "all values"
        }
    }

    /// The chart, or `emptyMessage` when there are no bins.
    func render(into html: inout HTML, emptyMessage: String) {
        let safeID = TimeSeriesChart.identifier(id)
        html.element("figure", ["class": "chart-figure"]) { html in
            html.element("figcaption", ["class": "chart-title"], title)
            guard binCount > 0 else {
                html.element("p", ["class": "empty-chart"], emptyMessage)
                return
            }
            let scale = self.scale
            html.element("svg", [
                "class": "chart histogram", "role": "img", "viewBox": "0 0 \(Int(Self.width)) \(Int(Self.height))",
                "aria-labelledby": "\(safeID)-title \(safeID)-desc",
            ]) { html in
                html.element("title", ["id": "\(safeID)-title"], title)
                html.element("desc", ["id": "\(safeID)-desc"], description)
                html.element("g", ["class": "axis", "aria-hidden": "true"]) { html in
                    let plotHeight = Self.height - Self.top - Self.bottom
                    for tick in scale.ticks {
                        let y = TimeSeriesChart.number(Self.top + plotHeight * (1 - scale.fraction(tick)))
                        html.empty("line", ["class": "grid", "x1": TimeSeriesChart.number(Self.left), "x2": TimeSeriesChart.number(Self.width - Self.right), "y1": y, "y2": y], selfClosing: true)
                        html.element("text", ["x": TimeSeriesChart.number(Self.left - 6), "y": y, "text-anchor": "end", "dominant-baseline": "middle"], ValueKind.proportion.axisLabel(tick))
                    }
                    let slot = (Self.width - Self.left - Self.right) / Double(binCount)
                    for bin in 0..<binCount {
                        html.element("text", ["x": TimeSeriesChart.number(Self.left + slot * (Double(bin) + 0.5)), "y": TimeSeriesChart.number(Self.height - 16), "text-anchor": "middle"], String(bin + 1))
                    }
                    html.element("text", ["x": TimeSeriesChart.number(Self.left + (Self.width - Self.left - Self.right) / 2), "y": TimeSeriesChart.number(Self.height - 2), "text-anchor": "middle"], "bin (reference deciles)")
                }
                for bar in bars() {
                    let values = bar.isCurrent ? current : reference
                    let value = bar.bin < values.count ? values[bar.bin] : 0
                    html.element("rect", [
                        "class": bar.isCurrent ? "bar current" : "bar reference",
                        "x": TimeSeriesChart.number(bar.x), "y": TimeSeriesChart.number(bar.y),
                        "width": TimeSeriesChart.number(bar.width), "height": TimeSeriesChart.number(bar.height),
                    ]) { html in
                        html.element("title", "Bin \(bar.bin + 1), \(range(ofBin: bar.bin)): \(bar.isCurrent ? "current" : "reference") \(Format.percent(value))")
                    }
                }
            }
            html.element("ul", ["class": "legend"]) { html in
                html.element("li") { html in
                    html.element("span", ["class": "swatch reference", "aria-hidden": "true"], "")
                    html.text("reference")
                }
                html.element("li") { html in
                    html.element("span", ["class": "swatch current", "aria-hidden": "true"], "")
                    html.text("current")
                }
            }
        }
    }

    /// The chart in words: the bin where the windows differ most.
    var description: String {
        let differences = (0..<min(reference.count, current.count)).map { ($0, current[$0] - reference[$0]) }
        guard let widest = differences.max(by: { abs($0.1) < abs($1.1) }) else { return "No bins." }
        return "\(binCount) bins of the reference's deciles. The largest difference is in bin \(widest.0 + 1) (\(range(ofBin: widest.0))): "
            + "reference \(Format.percent(reference[widest.0])), current \(Format.percent(current[widest.0]))."
    }
}
