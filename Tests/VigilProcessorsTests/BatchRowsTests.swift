import Foundation
import Logging
import PostgresNIO
import Testing
import VigilTestSupport
@testable import VigilProcessors

@Suite("Batch rows: one INSERT from array parameters")
struct BatchRowsTests {
    @Test("every kind of value reaches Postgres as written: signs, escapes, edge timestamps, exact decimals, arrays and NULLs")
    func roundTrip() async throws {
        let test = try await TestDatabase.fresh("batch_rows")
        try await test.withConnection { connection in
            try await connection.query("""
                CREATE TEMP TABLE batch (n bigint, t text, b bytea, at timestamptz, d numeric, a text[], maybe text)
                """, logger: test.logger)
            var rows = BatchRows(columnCount: 7, reservingCapacity: 256)
            let values: [(Int64, String, [UInt8], Int64, Decimal, [String], String?)] = [
                (0, "", [], 0, 0, [], nil),
                (.max, "a\\b\tc\nd\re \\N ünï 🙂", [0x00, 0x0f, 0xa5, 0xff], 253_402_300_799_999_999, Decimal(string: "123456789.000000000123")!, ["x\"y", "back\\slash", ""], "kept"),
                (.min, "'; DROP TABLE batch; --", Array(repeating: 0xAB, count: 3000), -62_135_596_800_000_000, 1, ["one"], nil),
                (-42, "{\"json\": true}", [0x5C, 0x78], -1, Decimal(string: "-0.5")!, ["a,b", "{c}"], ""),
            ]
            for value in values {
                rows.int(value.0)
                rows.text(value.1)
                rows.bytea(value.2)
                rows.timestamp(micros: value.3)
                rows.numeric(value.4)
                rows.textArray(value.5)
                if let maybe = value.6 { rows.text(maybe) } else { rows.null() }
                rows.endRow()
            }
            #expect(rows.rowCount == values.count)
            try await connection.query(rows.insert(into: "batch", columns: ["n", "t", "b", "at", "d", "a", "maybe"]), logger: test.logger)
            var read: [(Int64, String, ByteBuffer, Int64, String, [String], String?)] = []
            for try await row in try await connection.query("""
                SELECT n, t, b, vigil_us(at), d::text, a, maybe FROM batch ORDER BY n
                """, logger: test.logger).decode((Int64, String, ByteBuffer, Int64, String, [String], String?).self) {
                read.append(row)
            }
            let expected = values.sorted { $0.0 < $1.0 }
            #expect(read.count == expected.count)
            for (got, want) in zip(read, expected) {
                #expect(got.0 == want.0)
                #expect(got.1 == want.1)
                #expect(Array(buffer: got.2) == want.2)
                #expect(got.3 == want.3)
                #expect(Decimal(string: got.4) == want.4)
                #expect(got.5 == want.5)
                #expect(got.6 == want.6)
            }
        }
    }

    @Test("a column of NULLs only, and the time range a timestamp may take")
    func nullsAndRange() async throws {
        #expect(BatchRows.canWrite(micros: 253_402_300_799_999_999) && !BatchRows.canWrite(micros: 253_402_300_800_000_000))
        #expect(BatchRows.canWrite(micros: -62_135_596_800_000_000) && !BatchRows.canWrite(micros: -62_135_596_800_000_001))
        let test = try await TestDatabase.fresh("batch_nulls")
        try await test.withConnection { connection in
            try await connection.query("CREATE TEMP TABLE batch (n bigint, maybe text)", logger: test.logger)
            var rows = BatchRows(columnCount: 2, reservingCapacity: 64)
            for n in 1...3 {
                rows.int(Int64(n))
                rows.null()
                rows.endRow()
            }
            try await connection.query(rows.insert(into: "batch", columns: ["n", "maybe"]), logger: test.logger)
            var count: Int64 = 0
            for try await value in try await connection.query("SELECT count(*) FROM batch WHERE maybe IS NULL", logger: test.logger).decode(Int64.self) {
                count = value
            }
            #expect(count == 3)
        }
    }
}
