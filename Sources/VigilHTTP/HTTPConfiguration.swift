public import VigilIngest

/// The HTTP slice of Vigil's configuration.
public struct HTTPConfiguration: Sendable {
    /// Host to listen on. `VIGIL_LISTEN` (host:port), default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to listen on. `VIGIL_LISTEN`, default `4318` (OTLP/HTTP's port).
    public var port: Int = 4318
    /// Largest request body accepted as sent (compressed or not), in bytes.
    /// `VIGIL_MAX_BODY_BYTES`, default 16 MiB.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Largest body accepted after gzip inflation, in bytes. `VIGIL_MAX_INFLATED_BYTES`, default 64 MiB.
    public var maxInflatedBytes: Int = 64 * 1024 * 1024

    /// Most spans one trace's detail returns (the API's and the web view's); a longer trace is
    /// answered with its earliest spans, `truncated` and its `total`. `VIGIL_TRACE_MAX_SPANS`,
    /// default 10000.
    public var maxTraceSpans: Int = 10_000

    /// Failed sign-ins to the web view one client address may make in a minute before the form
    /// answers 429 (a project named in the form may have ten times as many, from all addresses).
    /// `VIGIL_LOGIN_MAX_FAILURES`, default 10.
    public var loginMaxFailures: Int = 10

    /// The OpenTelemetry attribute, event, link and item limits applied to every export
    /// (`VIGIL_ATTRIBUTE_COUNT_LIMIT`, `VIGIL_ATTRIBUTE_VALUE_LENGTH_LIMIT`,
    /// `VIGIL_SPAN_EVENT_COUNT_LIMIT`, `VIGIL_SPAN_LINK_COUNT_LIMIT`, `VIGIL_EXPORT_MAX_ITEMS`).
    public var ingestLimits = IngestLimits()

    /// How often a project's spend today is read again for the spend quotas.
    /// `VIGIL_SPEND_REFRESH_SECONDS`, default 5.
    public var spendRefreshSeconds: Int = 5

    /// The defaults.
    public init() {}
}
