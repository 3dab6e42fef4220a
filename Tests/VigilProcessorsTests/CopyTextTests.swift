import Testing
@testable import VigilProcessors

@Suite("COPY text encoding")
struct CopyTextTests {
    func line(_ write: (inout CopyText) -> Void) -> String {
        var text = CopyText(reservingCapacity: 64)
        write(&text)
        text.endRow()
        return String(decoding: text.bytes, as: UTF8.self)
    }

    @Test("fields are tab-separated and rows end with a newline; integers keep their sign")
    func fields() {
        #expect(line { $0.int(0); $0.int(-42); $0.int(.max); $0.int(.min) } == "0\t-42\t9223372036854775807\t-9223372036854775808\n")
    }

    @Test("text escapes the backslash, tab, newline and carriage return, and nothing else")
    func escaping() {
        #expect(line { $0.text("a\\b\tc\nd\re \\N ünï") } == "a\\\\b\\tc\\nd\\re \\\\N ünï\n")
        #expect(line { $0.text(""); $0.text("x") } == "\tx\n")
    }

    @Test("bytea is written in hex form with its backslash escaped")
    func bytea() {
        #expect(line { $0.bytea([0x00, 0x0f, 0xa5, 0xff]) } == "\\\\x000fa5ff\n")
        #expect(line { $0.bytea([]) } == "\\\\x\n")
    }

    @Test("timestamps are UTC, with microseconds only when there are some")
    func timestamps() {
        #expect(line { $0.timestamp(micros: 0) } == "1970-01-01 00:00:00+00\n")
        #expect(line { $0.timestamp(micros: 1_764_428_400_000_000) } == "2025-11-29 15:00:00+00\n")
        #expect(line { $0.timestamp(micros: -1) } == "1969-12-31 23:59:59.999999+00\n")
        #expect(line { $0.timestamp(micros: 951_782_400_000_123) } == "2000-02-29 00:00:00.000123+00\n")
        #expect(CopyText.canWrite(micros: 253_402_300_799_999_999) && !CopyText.canWrite(micros: 253_402_300_800_000_000))
        #expect(CopyText.canWrite(micros: -62_135_596_800_000_000) && !CopyText.canWrite(micros: -62_135_596_800_000_001))
        #expect(line { $0.timestamp(micros: 253_402_300_799_999_999) } == "9999-12-31 23:59:59.999999+00\n")
        #expect(line { $0.timestamp(micros: -62_135_596_800_000_000) } == "0001-01-01 00:00:00+00\n")
    }

    @Test("NULL is \\N, and text arrays quote every element, escaping quotes and backslashes twice over")
    func nullsAndArrays() {
        #expect(line { $0.null(); $0.text("N") } == "\\N\tN\n")
        #expect(line { $0.textArray([]) } == "{}\n")
        #expect(line { $0.textArray(["gpt-4o", "a,b", "q\"uote", "back\\slash", ""]) } == "{\"gpt-4o\",\"a,b\",\"q\\\\\"uote\",\"back\\\\\\\\slash\",\"\"}\n")
    }
}
