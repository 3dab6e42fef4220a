import Foundation
import Testing
import VigilStats
import VigilTestSupport
@testable import VigilProcessors

@Suite("Reading gen_ai.output.messages")
struct OutputMessagesTests {
    /// The reading `OutputMessages` replaced, through `JSONSerialization`: the oracle.
    func oracle(_ output: String) -> (text: String, toolCalls: Bool)? {
        guard let messages = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] else { return nil }
        var texts: [String] = []
        var toolCalls = false
        for message in messages {
            if let content = message["content"] as? String { texts.append(content) }
            if message["tool_calls"] != nil { toolCalls = true }
            for part in message["parts"] as? [[String: Any]] ?? [] {
                let type = part["type"] as? String ?? "text"
                if type == "text", let content = part["content"] as? String { texts.append(content) }
                if type == "tool_call" { toolCalls = true }
            }
        }
        return (texts.joined(separator: "\n"), toolCalls)
    }

    func read(_ output: String) -> (text: String, toolCalls: Bool)? {
        OutputMessages.read(output).map { ($0.texts.joined(separator: "\n"), $0.toolCalls) }
    }

    @Test("the GenAI and OpenAI message forms, escapes, and what is not an array of objects")
    func cases() {
        let parts = #"[{"role":"assistant","parts":[{"type":"text","content":"Hello \"you\"\n\u00e9\ud83d\ude00"},{"type":"tool_call","id":"1","name":"f","arguments":{"a":[1,2.5e-3,true,null]}}],"finish_reason":"stop"}]"#
        #expect(read(parts)?.text == "Hello \"you\"\né😀")
        #expect(read(parts)?.toolCalls == true)
        #expect(read(#"[{"role":"assistant","content":null,"tool_calls":null}]"#).map { $0.toolCalls } == true, "tool_calls of any value")
        #expect(read(#" [ { "content" : "a" } , { "content" : "b" } ] "#)?.text == "a\nb")
        #expect(read("[]")?.text == "")
        #expect(read("[1, 2, 3]") == nil, "not objects")
        #expect(read(#"[{"content":"a"}, 1]"#) == nil, "not all objects")
        #expect(read(#"[{"content":"cut"#) == nil)
        #expect(read(#"[{"content":"a"}] x"#) == nil, "trailing bytes")
        #expect(read(#"[{"content":"a",}]"#) == nil, "trailing comma")
        #expect(read(#"[{"content":"\x"}]"#) == nil, "bad escape")
        #expect(read(#"[{"content":"\ud800"}]"#) == nil, "lone surrogate")
        #expect(read("[{\"content\":\"a\tb\"}]") == nil, "raw control character")
        #expect(read(#"[{"n":01}]"#) == nil && read(#"[{"n":1.}]"#) == nil && read(#"[{"n":-}]"#) == nil, "numbers as JSON writes them")
        #expect(read(#"[{"parts":[{"content":"x"}]}]"#)?.text == "x", "a part without a type is text")
        #expect(read(#"[{"parts":[{"type":7,"content":"x"}]}]"#)?.text == "x", "a type that is no string is text")
        #expect(read(#"[{"parts":[{"content":"x"}, 2]}]"#)?.text == "", "parts that are not all objects are no parts")
        #expect(read(#"[{"cont\u0065nt":"escaped key"}]"#)?.text == "escaped key")
        #expect(read(String(repeating: "[", count: 600) + String(repeating: "]", count: 600)) == nil, "nested too deep")
    }

    @Test("random messages, and broken copies of them, read as JSONSerialization reads them")
    func againstJSONSerialization() {
        var generator = SeededGenerator(seed: 42)
        func below(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        func pick<T>(_ options: [T]) -> T { options[below(options.count)] }
        func string() -> String {
            pick(["", "Paris.", "I can't help with that.", "é \\\"q\\\" \\n", "\\u00e9\\ud83d\\ude00", "a\\/b", "  "])
        }
        func scalar() -> String {
            pick(["\"\(string())\"", "0", "-12.5e3", "true", "false", "null", "[]", "{}", "[1,\"x\",null]"])
        }
        func object(depth: Int) -> String {
            let keys = ["content", "type", "parts", "tool_calls", "role", "name"]
            let fields = (0..<below(5)).map { _ -> String in
                let key = pick(keys)
                let value: String
                switch key {
                case "type": value = pick(["\"text\"", "\"tool_call\"", "\"image\"", "3", "null"])
                case "parts" where depth < 2:
                    value = "[" + (0..<below(4)).map { _ in below(8) == 0 ? scalar() : object(depth: depth + 1) }.joined(separator: ",") + "]"
                default: value = below(3) == 0 ? scalar() : "\"\(string())\""
                }
                return "\"\(key)\":\(value)"
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        var compared = 0
        var broken = 0
        for _ in 0..<3_000 {
            let elements = (0..<below(4)).map { _ in below(20) == 0 ? scalar() : object(depth: 0) }
            var json = "[" + elements.joined(separator: pick([",", " , ", ",\n"])) + "]"
            if below(3) == 0 {
                // A broken copy: cut short, or a byte replaced.
                var bytes = Array(json.utf8)
                let at = below(bytes.count)
                if below(2) == 0 { bytes.removeSubrange(at...) } else { bytes[at] = pick(Array("\",:{}[]x\\ 1".utf8)) }
                guard let text = String(bytes: bytes, encoding: .utf8) else { continue }
                json = text
                broken += 1
            }
            let expected = oracle(json)
            let got = read(json)
            #expect(got?.text == expected?.text && got?.toolCalls == expected?.toolCalls, "\(json)")
            compared += 1
        }
        #expect(compared > 2_900 && broken > 800)
    }
}
