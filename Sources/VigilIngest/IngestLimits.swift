/// The OpenTelemetry attribute and collection limits Vigil applies at ingest, as the SDKs apply
/// them before export (`OTEL_ATTRIBUTE_COUNT_LIMIT` and friends), so that an app without them, or
/// a hostile one, cannot store unbounded events. What is cut is counted in the event
/// (`dropped_attributes_count`, `truncated_attribute_values_count`, `dropped_events_count`,
/// `dropped_links_count`) and in the export's `IngestBatch.limitCounts`.
public struct IngestLimits: Sendable, Equatable {
    /// Attributes kept per attribute list (a span's, an event's, a link's, a log record's, a data
    /// point's, a resource's, a scope's); the first ones are kept. `VIGIL_ATTRIBUTE_COUNT_LIMIT`, default 128.
    public var attributeCount: Int = 128
    /// Characters (Unicode scalars) kept of a string attribute value, each string of an array
    /// value included; a longer one is truncated. `VIGIL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, default 65536.
    public var attributeValueLength: Int = 65_536
    /// Events kept per span, the first ones. `VIGIL_SPAN_EVENT_COUNT_LIMIT`, default 128.
    public var eventsPerSpan: Int = 128
    /// Links kept per span, the first ones. `VIGIL_SPAN_LINK_COUNT_LIMIT`, default 128.
    public var linksPerSpan: Int = 128
    /// Items (spans, data points, log records) one export may hold; more is a 413.
    /// `VIGIL_EXPORT_MAX_ITEMS`, default 100000.
    public var itemsPerRequest: Int = 100_000

    /// The defaults.
    public init() {}
}

/// What the limits cut, in one event or over one export.
public struct LimitCounts: Sendable, Equatable {
    /// Attributes left out past `attributeCount`.
    public var droppedAttributes: Int = 0
    /// String values cut to `attributeValueLength`.
    public var truncatedValues: Int = 0
    /// Span events left out past `eventsPerSpan`.
    public var droppedEvents: Int = 0
    /// Span links left out past `linksPerSpan`.
    public var droppedLinks: Int = 0

    /// Nothing cut.
    public init() {}

    /// Whether nothing was cut.
    public var isEmpty: Bool { self == LimitCounts() }

    /// Adds another count.
    public static func += (left: inout LimitCounts, right: LimitCounts) {
        left.droppedAttributes += right.droppedAttributes
        left.truncatedValues += right.truncatedValues
        left.droppedEvents += right.droppedEvents
        left.droppedLinks += right.droppedLinks
    }

    /// The counts of `left` not in `right` (an event's own, without its resource's).
    public static func - (left: LimitCounts, right: LimitCounts) -> LimitCounts {
        var result = left
        result.droppedAttributes -= right.droppedAttributes
        result.truncatedValues -= right.truncatedValues
        result.droppedEvents -= right.droppedEvents
        result.droppedLinks -= right.droppedLinks
        return result
    }
}
