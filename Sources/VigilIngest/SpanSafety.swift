internal import Foundation
internal import VigilCore
internal import VigilOTLPProto
internal import VigilSafety

/// The content-safety findings of one span, computed from its attributes as sent (before
/// redaction) and written as `"safety": {...}` with scores, categories, kinds and positions only:
/// - `input`: the user turns (`gen_ai.input.messages`, `gen_ai.prompt`, OpenInference `input.value`
///   and `llm.input_messages.*`), scored for prompt injection together and one by one;
/// - `retrieved`: tool results and retrieved documents (tool messages and `tool_call_response`
///   parts of the input messages, `gen_ai.tool.call.result`, `retrieval.documents.*`, the output of
///   a TOOL span), each scored for indirect injection;
/// - `output`: the answers (`gen_ai.output.messages`, `gen_ai.completion`, `output.value`,
///   `llm.output_messages.*`), checked for output signals against the span's own system
///   instructions (`gen_ai.system_instructions`, system messages).
/// Positions are Unicode-scalar offsets into the message text named by `attribute` and `message`.
/// Denied attributes are not read.
struct SpanSafety {
    /// One text found in the attributes.
    struct Text {
        var attribute: String
        var message: Int?
        var text: String
    }

    var inputs: [Text] = []
    var retrieved: [Text] = []
    var outputs: [Text] = []
    var system: [String] = []

    /// The most texts of one role a span's safety object lists.
    static let maxTexts = 50
    /// The longest text scanned; the rest of a longer one is not.
    static let maxScalars = 100_000

    init(_ attributes: [OTLPKeyValue], redactor: Redactor) {
        var openInferenceInput: [Int: (role: String?, content: String?)] = [:]
        var openInferenceOutput: [Int: String] = [:]
        var documents: [Int: String] = [:]
        var isToolSpan = false
        var inputValue: String?
        var outputValue: String?
        for attribute in attributes where redactor.rule(forAttribute: attribute.key) != .deny {
            let key = attribute.key
            let value = attribute.value
            switch key {
            case "gen_ai.input.messages": readMessages(Self.json(value), attribute: key, output: false)
            case "gen_ai.output.messages": readMessages(Self.json(value), attribute: key, output: true)
            case "gen_ai.system_instructions":
                system += Self.texts(Self.json(value))
            case "gen_ai.prompt":
                if let text = value.textValue { inputs.append(Text(attribute: key, text: text)) }
            case "gen_ai.completion":
                if let text = value.textValue { outputs.append(Text(attribute: key, text: text)) }
            case "gen_ai.tool.call.result":
                if let text = value.textValue { retrieved.append(Text(attribute: key, text: text)) }
            case "input.value": inputValue = value.textValue
            case "output.value": outputValue = value.textValue
            case "openinference.span.kind": isToolSpan = value.textValue?.uppercased() == "TOOL"
            case "gen_ai.operation.name": isToolSpan = isToolSpan || value.textValue == "execute_tool"
            default:
                if case let (index, field)? = Self.indexed(key, prefix: "llm.input_messages.") {
                    if field == "message.role" { openInferenceInput[index, default: (role: nil, content: nil)].role = value.textValue }
                    if field == "message.content" { openInferenceInput[index, default: (role: nil, content: nil)].content = value.textValue }
                } else if case let (index, field)? = Self.indexed(key, prefix: "llm.output_messages."), field == "message.content" {
                    openInferenceOutput[index] = value.textValue
                } else if case let (index, field)? = Self.indexed(key, prefix: "retrieval.documents."), field == "document.content" {
                    documents[index] = value.textValue
                }
            }
        }
        for index in openInferenceInput.keys.sorted() {
            guard let message = openInferenceInput[index], let content = message.content else { continue }
            let text = Text(attribute: "llm.input_messages", message: index, text: content)
            switch message.role?.lowercased() {
            case "system"?, "developer"?: system.append(content)
            case "tool"?, "function"?: retrieved.append(text)
            case "assistant"?: break
            default: inputs.append(text)
            }
        }
        for index in openInferenceOutput.keys.sorted() {
            if let content = openInferenceOutput[index] { outputs.append(Text(attribute: "llm.output_messages", message: index, text: content)) }
        }
        for index in documents.keys.sorted() {
            if let content = documents[index] { retrieved.append(Text(attribute: "retrieval.documents", message: index, text: content)) }
        }
        if let inputValue, openInferenceInput.isEmpty {
            if isToolSpan {
                inputs.append(Text(attribute: "input.value", text: inputValue))
            } else if let parsed = Self.parse(inputValue) as? [String: Any], let messages = parsed["messages"] {
                readMessages(messages, attribute: "input.value", output: false)
            } else {
                inputs.append(Text(attribute: "input.value", text: inputValue))
            }
        }
        if let outputValue, openInferenceOutput.isEmpty {
            if isToolSpan {
                retrieved.append(Text(attribute: "output.value", text: outputValue))
            } else {
                outputs.append(Text(attribute: "output.value", text: outputValue))
            }
        }
    }

    var isEmpty: Bool { inputs.isEmpty && retrieved.isEmpty && outputs.isEmpty }

    /// Writes `"safety": {...}` when the span carries any text to check.
    func write(scanner: SafetyScanner, into writer: inout JSONWriter) {
        guard !isEmpty else { return }
        writer.beginObject("safety")
        if !inputs.isEmpty {
            writer.beginObject("input")
            // Each input's own scan also scores it alone, which the conversation's score reuses.
            let reports = inputs.prefix(Self.maxTexts).map { scanner.scan(Self.capped($0.text), role: .input) }
            scanner.scan(turns: inputs.map { Self.capped($0.text) }, role: .input, reports: reports).write("injection", into: &writer)
            writeTexts(inputs, reports: reports, into: &writer)
            writer.endObject()
        }
        if !retrieved.isEmpty {
            writer.beginObject("retrieved")
            let reports = retrieved.prefix(Self.maxTexts).map { scanner.scan(Self.capped($0.text), role: .retrieved) }
            if let worst = reports.compactMap(\.injection).max(by: { $0.score < $1.score }) { worst.write("injection", into: &writer) }
            writeTexts(retrieved, reports: reports, into: &writer)
            writer.endObject()
        }
        if !outputs.isEmpty {
            writer.beginObject("output")
            let instructions = system.isEmpty ? nil : system.joined(separator: "\n")
            let codeTask = OutputSignals.isCodeTask(inputs.map(\.text).joined(separator: "\n"))
            let reports = outputs.prefix(Self.maxTexts).map { scanner.scan(Self.capped($0.text), role: .output, system: instructions, codeTask: codeTask) }
            writer.bool("flagged", reports.contains { $0.flagged })
            writeTexts(outputs, reports: reports, into: &writer)
            writer.endObject()
        }
        writer.endObject()
    }

    private func writeTexts(_ texts: [Text], reports: [SafetyReport], into writer: inout JSONWriter) {
        writer.beginArray("texts")
        for (text, report) in zip(texts, reports) {
            writer.beginObject()
            writer.string("attribute", text.attribute)
            if let message = text.message { writer.int("message", Int64(message)) }
            report.writeFields(into: &writer)
            writer.endObject()
        }
        writer.endArray()
        if texts.count > Self.maxTexts { writer.int("texts_not_listed", Int64(texts.count - Self.maxTexts)) }
    }

    static func capped(_ text: String) -> String {
        guard text.utf8.count > maxScalars, text.unicodeScalars.count > maxScalars else { return text }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text.unicodeScalars.prefix(maxScalars))
        return String(view)
    }

    // MARK: Messages

    /// Reads a message list (GenAI conventions: `role` with `parts` or `content`; or the OpenAI
    /// shape): user text to inputs, tool messages and tool responses to retrieved, system
    /// messages to the instructions, assistant text to outputs when `output` (else history, skipped).
    mutating func readMessages(_ value: Any?, attribute: String, output: Bool) {
        guard let messages = value as? [Any] else {
            if let text = value as? String {
                if output { outputs.append(Text(attribute: attribute, text: text)) } else { inputs.append(Text(attribute: attribute, text: text)) }
            }
            return
        }
        for (index, element) in messages.enumerated() {
            guard let message = element as? [String: Any] else {
                if let text = element as? String {
                    if output { outputs.append(Text(attribute: attribute, message: index, text: text)) } else { inputs.append(Text(attribute: attribute, message: index, text: text)) }
                }
                continue
            }
            let role = (message["role"] as? String)?.lowercased() ?? "user"
            var texts: [String] = []
            var responses: [String] = []
            if let content = message["content"] { texts += Self.texts(content) }
            for part in message["parts"] as? [Any] ?? [] {
                guard let part = part as? [String: Any] else { continue }
                switch part["type"] as? String {
                case "tool_call_response"?:
                    if let response = part["response"] ?? part["result"] { responses += Self.texts(response) }
                case "text"?, nil:
                    if let content = part["content"] ?? part["text"] { texts += Self.texts(content) }
                default: break
                }
            }
            for text in responses { retrieved.append(Text(attribute: attribute, message: index, text: text)) }
            let joined = texts.joined(separator: "\n")
            guard !joined.isEmpty else { continue }
            let item = Text(attribute: attribute, message: index, text: joined)
            switch role {
            case "system", "developer": system.append(joined)
            case "tool", "function", "ipython": retrieved.append(item)
            case "assistant", "model": if output { outputs.append(item) }
            default: if output { outputs.append(item) } else { inputs.append(item) }
            }
        }
    }

    /// The texts in a content value: a string, a list of strings or parts (`content`/`text`), or
    /// anything else as its JSON.
    static func texts(_ value: Any?) -> [String] {
        switch value {
        case let text as String: return [text]
        case let list as [Any]:
            return list.flatMap { element -> [String] in
                if let part = element as? [String: Any] {
                    return texts(part["content"] ?? part["text"])
                }
                return texts(element)
            }
        case nil: return []
        case let other?:
            guard JSONSerialization.isValidJSONObject(other), let data = try? JSONSerialization.data(withJSONObject: other) else { return [] }
            return [String(decoding: data, as: UTF8.self)]
        }
    }

    /// An attribute value as JSON-like values: a string holding JSON parsed, a plain string as
    /// itself, arrays and key-value lists converted.
    static func json(_ value: OTLPAnyValue) -> Any? {
        switch value.value {
        case .stringValue(let text)?: return parse(text) ?? text
        case .arrayValue(let array)?: return array.values.map { json($0) ?? NSNull() }
        case .kvlistValue(let list)?:
            var object: [String: Any] = [:]
            for entry in list.values { object[entry.key] = json(entry.value) ?? NSNull() }
            return object
        default: return value.textValue
        }
    }

    /// `text` parsed as a JSON array or object, nil when it is not one.
    static func parse(_ text: String) -> Any? {
        guard let first = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }), first == "[" || first == "{" else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// `(N, rest)` for a key `prefix` + `N.` + `rest`.
    static func indexed(_ key: String, prefix: String) -> (Int, String)? {
        guard key.hasPrefix(prefix) else { return nil }
        let rest = key.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { return nil }
        return (index, String(rest[rest.index(after: dot)...]))
    }
}
