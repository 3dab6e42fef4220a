internal import VigilCore

/// The time-range controls of a page: a link per preset (the chosen one marked) and a small
/// form for an explicit `from`/`to`, keeping the page's other filters.
enum RangePicker {
    /// Writes the controls for `range` on the page at `path`; `keep` are the page's other
    /// query parameters, carried along.
    static func render(into html: inout HTML, range: TimeRange, path: String, keep: [(String, String?)] = []) {
        html.element("nav", ["aria-label": "Time range"]) { html in
            html.element("ul", ["class": "ranges"]) { html in
                for preset in TimeRange.presets {
                    html.element("li") { html in
                        html.element("a", ["href": PageURL(path, keep + [("range", preset.name)]).description,
                                           "aria-current": range.preset == preset ? "true" : nil], preset.label)
                    }
                }
                html.element("li") { html in
                    html.element("details") { html in
                        html.element("summary", "Custom range")
                        html.element("form", ["method": "get", "action": path, "class": "filters"]) { html in
                            for (name, value) in keep {
                                if let value, !value.isEmpty { html.empty("input", ["type": "hidden", "name": name, "value": value]) }
                            }
                            let id = TimeSeriesChart.identifier(path)
                            html.element("div") { html in
                                html.element("label", ["for": "\(id)-from"], "From (UTC, RFC 3339)")
                                html.empty("input", ["id": "\(id)-from", "name": "from", "type": "text", "value": String(CivilTime.rfc3339(micros: range.fromMicros).prefix(19)) + "Z"])
                            }
                            html.element("div") { html in
                                html.element("label", ["for": "\(id)-to"], "To (UTC, RFC 3339)")
                                html.empty("input", ["id": "\(id)-to", "name": "to", "type": "text", "value": String(CivilTime.rfc3339(micros: range.toMicros).prefix(19)) + "Z"])
                            }
                            html.element("button", ["type": "submit", "class": "primary"], "Show")
                        }
                    }
                }
            }
        }
        html.element("p", ["class": "lede"], "\(range.text) (\(Format.time(micros: range.fromMicros)) to \(Format.time(micros: range.toMicros))).")
    }
}
