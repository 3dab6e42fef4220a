import VigilHTTPBase
import Foundation
import Hummingbird
import Testing
import VigilCore
@testable import VigilHTTP

@Suite("Parsing input from outside")
struct InputParsingTests {
    @Test("steps are whole minutes from 1m to 366d; overflowing ones are refused, never trapping")
    func steps() throws {
        #expect(try TimeseriesController.step("1m") == 60_000_000)
        #expect(try TimeseriesController.step("300") == 300_000_000)
        #expect(try TimeseriesController.step("1h") == 3_600_000_000)
        #expect(try TimeseriesController.step("366d") == 31_622_400_000_000)
        for text in ["153722867280912931m", "9223372036854775807s", "106751991167301d", "9223372036854775807", "-1m", "-9223372036854775808d",
                     "30s", "0", "0m", "", "1.5h", "NaN", "inf", "1w", "367d"] {
            #expect(throws: VigilError.self, "\(text)") { try TimeseriesController.step(text) }
        }
    }

    @Test("times are taken from 1970 to 9999 in both notations; anything past them, or past Int64, is nil")
    func times() {
        #expect(CivilTime.micros(parsing: "0") == 0)
        #expect(CivilTime.micros(parsing: "1764410400000") == 1_764_410_400_000_000)
        #expect(CivilTime.micros(parsing: "253402300799999") == 253_402_300_799_999_000)
        #expect(CivilTime.micros(parsing: "9999-12-31T23:59:59Z") == 253_402_300_799_000_000)
        #expect(CivilTime.micros(parsing: "1970-01-01T00:00:00Z") == 0)
        for text in ["253402300800000", "9223372036854775807", "9223372036854775808", "99999999999999999999", "-1", "+1",
                     "1969-12-31T23:59:59Z", "", "NaN", "inf", "１２３", String(repeating: "1", count: 100)] {
            #expect(CivilTime.micros(parsing: text) == nil, "\(text)")
        }
    }

    @Test("decimal amounts are plain digits with at most one point")
    func decimals() {
        #expect(DecimalText.parse("0.05") == Decimal(string: "0.05"))
        #expect(DecimalText.parse("12") == 12)
        #expect(DecimalText.parse(".5") == Decimal(string: "0.5"))
        for text in ["", ".", "1.2.3", "-1", "+1", "1e3", "0x10", "NaN", "inf", "١", " 1", String(repeating: "9", count: 41)] {
            #expect(DecimalText.parse(text) == nil, "\(text)")
        }
    }

    @Test("integers and numbers are range-checked and name the parameter; NaN, infinities and hexadecimal are refused")
    func numbers() throws {
        #expect(try QueryParameter.integer("9223372036854775807", "after", range: 0...Int64.max) == Int64.max)
        for text in ["9223372036854775808", "-1", "1.0", "NaN", "", "0x10"] {
            let error = #expect(throws: VigilError.self) { try QueryParameter.integer(text, "after", range: 0...Int64.max) }
            #expect(error?.message.contains("query parameter after=") == true)
            #expect(error?.message.contains("from 0 to 9223372036854775807") == true)
        }
        let query: Parameters = ["ok": "250.5", "exp": "1e3", "nan": "NaN", "inf": "inf", "big": "1e400", "hex": "0x10", "negative": "-1", "empty": ""]
        #expect(try QueryParameter.number(query, "ok", range: 0...1e12, unit: "milliseconds") == 250.5)
        #expect(try QueryParameter.number(query, "exp", range: 0...1e12, unit: "milliseconds") == 1000)
        #expect(try QueryParameter.number(query, "empty", range: 0...1e12, unit: "milliseconds") == nil)
        #expect(try QueryParameter.number(query, "absent", range: 0...1e12, unit: "milliseconds") == nil)
        for name in ["nan", "inf", "big", "hex", "negative"] {
            let error = #expect(throws: VigilError.self) { try QueryParameter.number(query, name, range: 0...1e12, unit: "milliseconds") }
            #expect(error?.message.contains("query parameter \(name)=") == true)
        }
    }

    @Test("text with NUL or over the limit is refused naming the parameter; the limit counts characters")
    func text() throws {
        #expect(InputText.problem("chat api") == nil)
        #expect(InputText.problem(String(repeating: "a", count: 1024)) == nil)
        #expect(InputText.problem(String(repeating: "é", count: 1024)) == nil)
        #expect(InputText.problem("\u{0}") != nil)
        #expect(InputText.problem("a\u{0}b") != nil)
        #expect(InputText.problem(String(repeating: "a", count: 1025)) != nil)
        #expect(InputText.shown(String(repeating: "x", count: 100)) == String(repeating: "x", count: 64) + "…")
        let error = #expect(throws: VigilError.self) {
            try InputGuardMiddleware<VigilRequestContext>.check(query: ["service": "a\u{0}"], path: [:])
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("query parameter service") == true)
        let path = #expect(throws: VigilError.self) {
            try InputGuardMiddleware<VigilRequestContext>.check(query: [:], path: ["uid": Substring(String(repeating: "u", count: 2000))])
        }
        #expect(path?.message.contains("path parameter uid") == true)
        try InputGuardMiddleware<VigilRequestContext>.check(query: ["service": "chat", "model": ""], path: ["id": "12"])
    }
}
