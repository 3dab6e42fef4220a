/// What `vigil demo` was asked to do.
public struct DemoOptions: Sendable {
    /// Vigil's base URL, e.g. `http://127.0.0.1:4318`.
    public var baseURL: String
    /// The project the traffic goes to.
    public var project: String
    /// The project's ingest key (exports, evaluations, embeddings).
    public var ingestKey: String
    /// The project's read key (alerts, reports; and for the user to sign in with).
    public var readKey: String
    /// The project's operate key (baseline pins, drift reports now).
    public var operateKey: String
    /// Minutes of normal history sent first, with past timestamps.
    public var backfillMinutes: Int = 60
    /// How long the live traffic runs (wall-clock).
    public var duration: Duration = .seconds(360)
    /// How much faster than real time the live timeline plays (1: a beat is 15 s).
    public var speed: Double = 1
    /// The seed of all the traffic.
    public var seed: UInt64 = 42
    /// Where to listen for webhooks; empty for none.
    public var receivers: [WebhookReceiver.Address] = []
    /// Only the backfill and the baseline, then stop.
    public var backfillOnly = false
    /// The Grafana dashboards' folder, to point the user at, when known.
    public var dashboardsFolder: String?
    /// Prompt embeddings in the drift baseline (yesterday's hour).
    public var baselineSize = 400
    /// The incidents and when they play.
    public var timeline = DemoTimeline.standard

    /// Options for a project and its keys; the rest at their defaults.
    public init(baseURL: String, project: String, ingestKey: String, readKey: String, operateKey: String) {
        self.baseURL = baseURL
        self.project = project
        self.ingestKey = ingestKey
        self.readKey = readKey
        self.operateKey = operateKey
    }

    /// One beat's wall-clock length at this speed.
    public var beat: Duration {
        DemoTimeline.beat / speed
    }

    /// The shortest live run that plays the whole timeline and asks for the drift report after it.
    public var minimumDuration: Duration {
        beat * timeline.beats + .seconds(3)
    }
}
