import Foundation
import Testing
@testable import VigilWebUI

@Suite("SVG charts: geometry, gaps, empty series")
struct ChartTests {
    func chart(_ series: [TimeSeriesChart.Series], style: TimeSeriesChart.Style = .line) -> TimeSeriesChart {
        TimeSeriesChart(id: "test", title: "Calls <per> minute", startMicros: 1_764_410_400_000_000, stepMicros: 60_000_000, series: series, kind: .count, style: style)
    }

    @Test("round scales: 1, 2, 2.5 or 5 times a power of ten, from zero")
    func scales() {
        #expect(ChartScale(largest: 10).step == 2.5)
        #expect(ChartScale(largest: 10).maximum == 10)
        #expect(ChartScale(largest: 10).ticks == [0, 2.5, 5, 7.5, 10])
        #expect(ChartScale(largest: 0.75).step == 0.2)
        #expect(abs(ChartScale(largest: 0.75).maximum - 0.8) < 1e-12)
        #expect(ChartScale(largest: 1234).step == 500)
        #expect(ChartScale(largest: 1234).maximum == 1500)
        #expect(ChartScale(largest: 0).maximum == 1, "an all-zero series still gets an axis")
        #expect(ChartScale(largest: .nan).maximum == 1)
    }

    @Test("a series is a path through its points; a gap starts a new subpath; a lone point gets a dot")
    func linePath() {
        let chart = chart([.init(name: "gpt-4o", values: [0, 10, nil, 5])])
        // Plot: x from 64 to 624 (560 wide) over 3 intervals, y from 210 (0) up to 14 (10).
        #expect(chart.linePath(chart.series[0].values, scale: chart.scale) == "M64.0 210.0 L250.7 14.0 M624.0 112.0")
        var html = HTML()
        chart.render(into: &html, emptyMessage: "nothing")
        let text = html.rendered
        #expect(text.contains("<svg class=\"chart timeseries\" role=\"img\""))
        #expect(text.contains("<title id=\"test-title\">Calls &lt;per&gt; minute</title>"))
        #expect(text.contains("d=\"M64.0 210.0 L250.7 14.0 M624.0 112.0\""))
        #expect(text.contains("<circle class=\"dot s0\" cx=\"624.0\" cy=\"112.0\" r=\"3\"/>"))
        #expect(text.contains("gpt-4o: latest 5, highest 10 at 10:01 UTC"), "the text equivalent names the peak")
        #expect(text.contains(">10</text>") && text.contains(">7.5</text>") && text.contains(">0</text>"), "value axis labels")
        #expect(text.contains(">10:00</text>") && text.contains(">10:03</text>"), "time axis labels")
        #expect(!text.contains("nothing"))
    }

    @Test("an area closes each run down to the axis")
    func areaPath() {
        let chart = chart([.init(name: "cost", values: [1, 2, nil])], style: .area)
        #expect(chart.areaPath(chart.series[0].values, scale: chart.scale) == "M64.0 210.0 L64.0 112.0 L344.0 14.0 L344.0 210.0 Z")
    }

    @Test("series without values get no path; no values at all is a message, not a chart")
    func empty() {
        var html = HTML()
        chart([.init(name: "a", values: [nil, nil]), .init(name: "b", values: [])]).render(into: &html, emptyMessage: "No calls in this range.")
        #expect(html.rendered.contains("<p class=\"empty-chart\">No calls in this range.</p>"))
        #expect(!html.rendered.contains("<svg"))

        var partial = HTML()
        chart([.init(name: "a", values: [nil, nil]), .init(name: "b", values: [1, 2])]).render(into: &partial, emptyMessage: "none")
        #expect(!partial.rendered.contains("d=\"\""), "no empty path for the series without values")
        #expect(partial.rendered.contains("class=\"line s1\""))
    }

    @Test("a single bucket sits in the middle")
    func singleBucket() {
        let chart = chart([.init(name: "a", values: [4])])
        #expect(chart.x(0) == 64 + 280)
        #expect(chart.linePath(chart.series[0].values, scale: chart.scale) == "M344.0 14.0")
    }

    @Test("histogram bars: two per bin, heights proportional, ranges from the edges")
    func histogram() {
        let chart = HistogramChart(id: "c1", title: "Component 1", edges: [0.5], reference: [0.5, 0.5], current: [0.25, 0.75])
        let bars = chart.bars()
        #expect(bars.count == 4)
        // Axis top 0.8 over 174 units of plot: 0.5 → 108.75, 0.25 → 54.375, 0.75 → 163.125.
        let heights = bars.map { ($0.height * 1000).rounded() / 1000 }
        #expect(heights == [108.75, 54.375, 108.75, 163.125])
        #expect(bars.allSatisfy { abs($0.y + $0.height - 186) < 1e-9 }, "bars stand on the axis")
        #expect(bars[1].x > bars[0].x && bars[2].x > bars[1].x)
        #expect(chart.range(ofBin: 0) == "below 0.5")
        #expect(chart.range(ofBin: 1) == "0.5 and above")
        var html = HTML()
        chart.render(into: &html, emptyMessage: "none")
        #expect(html.rendered.components(separatedBy: "<rect class=\"bar ").count - 1 == 4)
        #expect(html.rendered.contains("Bin 2, 0.5 and above: current 75.0%"))
        #expect(html.rendered.contains("largest difference is in bin 1"))

        var empty = HTML()
        HistogramChart(id: "c2", title: "Nothing", edges: [], reference: [], current: []).render(into: &empty, emptyMessage: "No bins.")
        #expect(empty.rendered.contains("No bins.") && !empty.rendered.contains("<svg"))
    }

    @Test("waterfall bars start at their offset, span their duration, and mark failures")
    func waterfall() {
        let chart = WaterfallChart(id: "w", title: "Waterfall", rows: [
            .init(spanID: "aa", name: "agent run", depth: 0, offsetMilliseconds: 0, durationMilliseconds: 1000, isError: false),
            .init(spanID: "bb", name: "chat <b>", depth: 1, offsetMilliseconds: 250, durationMilliseconds: 500, isError: true),
            .init(spanID: "cc", name: "instant", depth: 2, offsetMilliseconds: 1000, durationMilliseconds: 0, isError: false),
        ])
        // Bars from x = 330 over 600 units for 1000 ms.
        #expect(chart.bar(0).x == 330 && chart.bar(0).width == 600)
        #expect(chart.bar(1).x == 480 && chart.bar(1).width == 300)
        #expect(chart.bar(2).x == 930 && chart.bar(2).width == 2, "an instant span is still visible")
        #expect(chart.bar(1).y > chart.bar(0).y)
        var html = HTML()
        chart.render(into: &html, emptyMessage: "none")
        let text = html.rendered
        #expect(text.contains("<a href=\"#span-bb\" class=\"span-row error\""))
        #expect(text.contains("✕ chat &lt;b&gt;"))
        #expect(text.contains("class=\"bar span error\""))
        #expect(text.contains("x=\"34.0\""), "depth 2 is indented")
        #expect(text.contains("3 spans over 1.00 s, 1 failed."))
    }

    @Test("spans in tree order with depths; orphans and cycles are not lost")
    func treeOrder() throws {
        func body(_ id: String, parent: String?, start: Int) -> String {
            "{\"span_id\":\"\(id)\"," + (parent.map { "\"parent_span_id\":\"\($0)\"," } ?? "") + "\"name\":\"\(id)\",\"start_ns\":\(start),\"end_ns\":\(start + 10),\"status\":{\"code\":\"ok\"}}"
        }
        let spans = try [
            body("c2", parent: "r", start: 300), body("r", parent: nil, start: 100), body("c1", parent: "r", start: 200),
            body("g", parent: "c1", start: 250), body("orphan", parent: "missing", start: 50),
            body("x", parent: "y", start: 400), body("y", parent: "x", start: 500),
        ].map { try #require(TraceSpan(body: $0)) }
        let ordered = TraceSpan.treeOrder(spans).map { "\($0.span.spanID):\($0.depth)" }
        #expect(ordered == ["orphan:0", "r:0", "c1:1", "g:2", "c2:1", "x:0", "y:1"])
    }

    @Test("time ranges: presets, explicit ranges, steps, and bad values named")
    func ranges() throws {
        let now: Int64 = 1_764_410_400_000_000
        let hour = try TimeRange(query: [:], defaultPreset: "1h", nowMicros: now)
        #expect(hour.fromMicros == now - 3_600_000_000 && hour.stepMicros == 60_000_000 && hour.bucketCount == 60)
        let week = try TimeRange(query: ["range": "7d"], defaultPreset: "1h", nowMicros: now)
        #expect(week.stepMicros == 7_200_000_000 && week.bucketCount == 84)
        let explicit = try TimeRange(query: ["from": "2025-11-29T08:00:00Z", "to": "1764410400000"], defaultPreset: "1h", nowMicros: now)
        #expect(explicit.preset == nil && explicit.toMicros == now && explicit.stepMicros == 60_000_000)
        #expect(explicit.queryItems.map(\.0) == ["from", "to"])
        #expect(throws: PageError.self) { try TimeRange(query: ["range": "2y"], defaultPreset: "1h", nowMicros: now) }
        do {
            _ = try TimeRange(query: ["from": "yesterday"], defaultPreset: "1h", nowMicros: now)
            Issue.record("a bad time was taken")
        } catch {
            #expect(error.status == 400 && error.message.contains("from=yesterday"))
        }
        #expect(throws: PageError.self) { try TimeRange(query: ["from": "1764410400000", "to": "1764410400000"], defaultPreset: "1h", nowMicros: now) }
    }
}
