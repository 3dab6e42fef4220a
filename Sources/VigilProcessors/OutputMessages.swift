/// Reads `gen_ai.output.messages` (a JSON array of message objects) for what the built-in checks
/// need: the texts, in order, and whether any message holds a tool call. It walks the UTF-8 bytes
/// once and builds a string only for the texts; `JSONSerialization`, which it replaces, built every
/// object and cost the processor a twentieth of its time on LLM spans. It accepts exactly the JSON
/// grammar (RFC 8259), nested at most 512 deep.
///
/// What it reads, as the checks always read it: a message's `content` when that is a string; a
/// message with a `tool_calls` key (of any value) holds a tool call; its `parts`, when they are an
/// array of objects, each of `type` (a string, `text` when missing or not a string) `text` with a
/// string `content`, or `tool_call`. A key given twice counts with its last value.
///
/// `package` so that the libFuzzer target under `Fuzz/` can call it.
package struct OutputMessages {
    /// The texts, in order.
    package var texts: [String] = []
    /// Whether some message holds a tool call.
    package var toolCalls = false

    /// The messages in `json`, or nil when it is not JSON or not an array of objects.
    package static func read(_ json: String) -> OutputMessages? {
        var json = json
        return json.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.messages()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// What one value was, as far as the messages care.
        enum Value {
            case string(String)
            /// An array of objects: the objects' fields that matter.
            case objects([Fields])
            case other
        }

        /// The fields of an object the messages and parts look at (last value of each key).
        struct Fields {
            var content: String?
            var type: String?
            var hasToolCalls = false
            var parts: [Fields]?
        }

        mutating func messages() -> OutputMessages? {
            guard case .objects(let messages)? = value(), atEnd() else { return nil }
            var result = OutputMessages()
            for message in messages {
                if let content = message.content { result.texts.append(content) }
                if message.hasToolCalls { result.toolCalls = true }
                for part in message.parts ?? [] {
                    let type = part.type ?? "text"
                    if type == "text", let content = part.content { result.texts.append(content) }
                    if type == "tool_call" { result.toolCalls = true }
                }
            }
            return result
        }

        private mutating func atEnd() -> Bool {
            skipWhitespace()
            return position == bytes.count
        }

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        private mutating func next() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        /// One value; nil when the bytes are not JSON.
        private mutating func value() -> Value? {
            skipWhitespace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return string().map(Value.string)
            case UInt8(ascii: "["):
                return array()
            case UInt8(ascii: "{"):
                return object() == nil ? nil : .other
            case UInt8(ascii: "t"): return literal("true") ? .other : nil
            case UInt8(ascii: "f"): return literal("false") ? .other : nil
            case UInt8(ascii: "n"): return literal("null") ? .other : nil
            default: return number() ? .other : nil
            }
        }

        /// An array: `.objects` when every element is an object (an empty array too), else `.other`.
        private mutating func array() -> Value? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 512 else { return nil }
            position += 1
            var objects: [Fields]? = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .objects([])
            }
            while true {
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "{") {
                    guard let fields = object() else { return nil }
                    objects?.append(fields)
                } else {
                    guard value() != nil else { return nil }
                    objects = nil
                }
                skipWhitespace()
                switch next() {
                case UInt8(ascii: ","): continue
                case UInt8(ascii: "]"): return objects.map(Value.objects) ?? .other
                default: return nil
                }
            }
        }

        /// An object (the reader at its `{`); nil when it is not JSON.
        private mutating func object() -> Fields? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 512 else { return nil }
            position += 1
            var fields = Fields()
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return fields
            }
            while true {
                skipWhitespace()
                guard next() == UInt8(ascii: "\""), let key = key() else { return nil }
                skipWhitespace()
                guard next() == UInt8(ascii: ":"), let value = value() else { return nil }
                switch key {
                case .content:
                    if case .string(let text) = value { fields.content = text } else { fields.content = nil }
                case .type:
                    if case .string(let text) = value { fields.type = text } else { fields.type = nil }
                case .toolCalls:
                    fields.hasToolCalls = true
                case .parts:
                    if case .objects(let parts) = value { fields.parts = parts } else { fields.parts = nil }
                case .other:
                    break
                }
                skipWhitespace()
                switch next() {
                case UInt8(ascii: ","): continue
                case UInt8(ascii: "}"): return fields
                default: return nil
                }
            }
        }

        /// The keys the messages and parts look at.
        enum Key {
            case content, type, toolCalls, parts, other
        }

        /// An object's key (the reader just past its opening quote), told apart by its bytes
        /// without making a string unless it has escapes; nil when it is not JSON.
        private mutating func key() -> Key? {
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\"), bytes[position] >= 0x20 {
                position += 1
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                defer { position += 1 }
                return Self.key(named: UnsafeBufferPointer(rebasing: bytes[start..<position]))
            }
            position = start
            guard var name = string() else { return nil }
            return name.withUTF8 { Self.key(named: $0) }
        }

        private static func key(named name: UnsafeBufferPointer<UInt8>) -> Key {
            if name.elementsEqual("content".utf8) { return .content }
            if name.elementsEqual("type".utf8) { return .type }
            if name.elementsEqual("tool_calls".utf8) { return .toolCalls }
            if name.elementsEqual("parts".utf8) { return .parts }
            return .other
        }

        /// A string's text (the reader just past its opening quote); nil when it is not JSON.
        private mutating func string() -> String? {
            let start = position
            // Most strings have no escape: their bytes are the text.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    defer { position += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { return nil }
                position += 1
            }
            var text = Array(bytes[start..<position])
            while let byte = next() {
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = next() else { return nil }
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        text.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                default:
                    if byte < 0x20 { return nil }
                    text.append(byte)
                }
            }
            return nil
        }

        /// The scalar of a `\u` escape (the reader past the `u`), a surrogate pair joined; nil for
        /// bad hex digits or a lone surrogate.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let unit = hex4() else { return nil }
            if (0xD800..<0xDC00).contains(unit) {
                guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            }
            return Unicode.Scalar(unit)
        }

        private mutating func hex4() -> UInt32? {
            var unit: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = next() else { return nil }
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                unit = unit << 4 | UInt32(digit)
            }
            return unit
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - position >= count else { return false }
            for index in 0..<count where bytes[position + index] != word.utf8Start[index] { return false }
            position += count
            return true
        }

        /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        private mutating func number() -> Bool {
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count else { return false }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                guard digits() else { return false }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() else { return false }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more digits.
        private mutating func digits() -> Bool {
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position > start
        }
    }
}
