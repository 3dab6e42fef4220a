import Foundation
import Testing
import VigilCore

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test("escapes strings so Foundation reads back the same text")
    func escaping() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t cr \r bell \u{07} emoji 🦉 nul \u{0}"
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("text", tricky)
        writer.endObject()
        let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: String]
        // NUL becomes U+FFFD (Postgres's jsonb refuses \u0000); everything else round-trips.
        #expect(decoded?["text"] == tricky.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
    }

    @Test("places commas between members and elements at every depth")
    func structure() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("a", -3)
        writer.beginArray("b")
        writer.bool(nil, true)
        writer.null()
        writer.beginObject()
        writer.uint("c", UInt64.max)
        writer.endObject()
        writer.endArray()
        writer.double("d", 0.5)
        writer.raw("e", Array("{\"x\":1}".utf8))
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":-3,"b":[true,null,{"c":18446744073709551615}],"d":0.5,"e":{"x":1}}"#)
    }

    @Test("writes doubles JSON can hold and names the ones it cannot", arguments: [
        (1.0, "1"), (-2.5, "-2.5"), (1e-5, "1e-05"), (1e20, "1e+20"), (.nan, "\"NaN\""), (.infinity, "\"Infinity\""), (-.infinity, "\"-Infinity\""),
    ])
    func doubles(value: Double, expected: String) {
        var writer = JSONWriter()
        writer.double(nil, value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }
}

@Suite("Hex")
struct HexTests {
    @Test("round-trips bytes and accepts upper case")
    func roundTrip() {
        let bytes: [UInt8] = [0x00, 0x01, 0xAB, 0xFF, 0x7F]
        #expect(Hex.encode(bytes) == "0001abff7f")
        #expect(Hex.decode("0001ABFF7f") == bytes)
    }

    @Test("refuses odd lengths and non-hex digits", arguments: ["abc", "zz", "0x12", " 1"])
    func refuses(text: String) {
        #expect(Hex.decode(text) == nil)
    }
}

@Suite("CivilTime")
struct CivilTimeTests {
    @Test("agrees with Foundation's ISO 8601 formatting (Gregorian years 1811–2128), leap days and negative times")
    func matchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var samples: [Int64] = [0, -1, 951_782_400_000_000, 4_102_444_799_999_999, -5_000_000_000_000_000]
        for _ in 0..<2000 { samples.append(Int64.random(in: -5_000_000_000_000_000...5_000_000_000_000_000, using: &generator)) }
        for micros in samples {
            let seconds = micros.floorDivided(by: 1_000_000)
            let ours = CivilTime.rfc3339(micros: micros)
            let theirs = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(String(ours.prefix(19)) + "Z" == theirs, "\(micros)")
            let days = Int(micros.floorDivided(by: 86_400_000_000))
            let date = CivilTime.date(fromDays: days)
            #expect(CivilTime.days(year: date.year, month: date.month, day: date.day) == days)
        }
    }

    @Test("keeps the microseconds")
    func fraction() {
        #expect(CivilTime.rfc3339(micros: 1_764_400_000_123_456) == "2025-11-29T07:06:40.123456Z")
    }
}

@Suite("EventTime")
struct EventTimeTests {
    @Test("clamps the partition key into 2000–2100 and converts nanoseconds")
    func clamp() {
        #expect(EventTime.clamp(0) == EventTime.earliestMicros)
        #expect(EventTime.clamp(.max) == EventTime.latestMicros - 1)
        #expect(EventTime.clamp(1_764_400_000_000_000) == 1_764_400_000_000_000)
        #expect(EventTime.micros(fromUnixNanos: UInt64.max) == Int64(UInt64.max / 1000))
        let event = NewEvent(projectID: 1, kind: .span, occurredAtMicros: -5, dedupKey: [1], body: [])
        #expect(event.occurredAtMicros == EventTime.earliestMicros)
    }
}
