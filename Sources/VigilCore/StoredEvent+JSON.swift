extension StoredEvent {
    /// The event as one JSON object: sequence, project, kind, both times in RFC 3339, and the body.
    public func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.int("seq", seq)
        writer.int("project_id", projectID)
        writer.string("kind", kind.rawValue)
        writer.string("occurred_at", CivilTime.rfc3339(micros: occurredAtMicros))
        writer.string("received_at", CivilTime.rfc3339(micros: receivedAtMicros))
        writer.raw("body", Array(body.utf8))
        writer.endObject()
    }

    /// The event as one line of JSON text, for `vigil events tail`.
    public var jsonLine: String {
        var writer = JSONWriter(capacity: body.utf8.count + 160)
        write(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
