import Testing
import VigilCore
@testable import VigilDashboards

@Suite("JSON kept as written")
struct JSONValueTests {
    @Test("key order, number text and escapes survive a round trip")
    func roundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null,0.10,-2e-3,"é\n\"x\" \ud83d\ude00"],"m":{"cost":0.000123456789012345678}}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["z"] == .number("1"))
        #expect(value["m"]?["cost"] == .number("0.000123456789012345678"))
        #expect(value["a"]?.arrayValue?[5] == .string("é\n\"x\" 😀"))
        let again = try JSONValue(parsing: value.bytes)
        #expect(again == value)
        #expect(value.objectValue?.map(\.0) == ["z", "a", "m"])
    }

    @Test("malformed documents are refused with where", arguments: ["{", "[1,]", "{\"a\" 1}", "01", "\"\u{01}\"", "tru", "{} x", "[\"\\q\"]"])
    func malformed(text: String) {
        #expect(throws: VigilError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test("a dashboard without what Grafana needs is refused with the place named")
    func dashboardChecks() throws {
        func problem(_ text: String) -> String? {
            do {
                _ = try Dashboard(json: try JSONValue(parsing: Array(text.utf8)), source: .imported)
                return nil
            } catch let error as VigilError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(problem(#"{"uid":"a b","title":"t","panels":[]}"#)?.contains("uid") == true)
        #expect(problem(#"{"uid":"ok","title":"","panels":[]}"#)?.contains("title") == true)
        #expect(problem(#"{"uid":"ok","title":"t","panels":[{"type":"stat"}]}"#) == "panels[0].gridPos must have whole numbers h, w, x and y")
        let evil = #"{"uid":"ok","title":"t","panels":[{"type":"stat","gridPos":{"h":1,"w":1,"x":0,"y":0},"targets":[{"refId":"A","rawSql":"SELECT set_config('role','x',false)"}]}]}"#
        #expect(problem(evil)?.hasPrefix("panels[0].targets[0].rawSql: the function set_config() is not allowed") == true)
        #expect(problem(#"{"uid":"ok","title":"t","panels":[],"templating":{"list":[{"name":"a"},{"name":"a"}]}}"#)?.contains("defined twice") == true)
        #expect(problem(#"{"uid":"ok","title":"t","panels":[{"type":"row","gridPos":{"h":1,"w":24,"x":0,"y":0},"panels":[{"type":"stat","gridPos":{"h":1,"w":1,"x":0,"y":1},"targets":[{"refId":"A","rawSql":"SELECT 1"}]}]}]}"#) == nil)
    }

    @Test("a long time series becomes one field per series, aligned on time")
    func wide() {
        let frame = DataFrame(refID: "A", executedSQL: "", fields: [
            .init(name: "time", type: "time", values: [.number("2000"), .number("1000"), .number("1000")]),
            .init(name: "metric", type: "string", values: [.string("b"), .string("a"), .string("b")]),
            .init(name: "calls", type: "number", values: [.number("3"), .number("1"), .number("2")]),
        ])
        let wide = frame.wide()
        #expect(wide.fields.map(\.name) == ["time", "calls", "calls"])
        #expect(wide.fields[0].values == [.number("1000"), .number("2000")])
        #expect(wide.fields[1].labels.map(\.1) == ["b"])
        #expect(wide.fields[1].values == [.number("2"), .number("3")])
        #expect(wide.fields[2].labels.map(\.1) == ["a"])
        #expect(wide.fields[2].values == [.number("1"), .null])
    }
}
