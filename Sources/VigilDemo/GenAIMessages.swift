internal import VigilCore

/// `gen_ai.input.messages` and `gen_ai.output.messages` as the GenAI semantic conventions write
/// them: JSON arrays of messages with typed parts.
enum GenAIMessages {
    /// A tool call an assistant message makes.
    struct ToolCall {
        var id: String
        var name: String
        var arguments: [(String, String)]
    }

    /// Input messages: a system prompt and the user's turn.
    static func input(system: String, user: String) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for (role, text) in [("system", system), ("user", user)] {
            writer.beginObject()
            writer.string("role", role)
            writer.beginArray("parts")
            writer.beginObject()
            writer.string("type", "text")
            writer.string("content", text)
            writer.endObject()
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// One assistant message with `text` (possibly empty) and tool calls.
    static func output(text: String, toolCalls: [ToolCall] = [], finishReason: String) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        writer.beginObject()
        writer.string("role", "assistant")
        writer.beginArray("parts")
        if !text.isEmpty || toolCalls.isEmpty {
            writer.beginObject()
            writer.string("type", "text")
            writer.string("content", text)
            writer.endObject()
        }
        for call in toolCalls {
            writer.beginObject()
            writer.string("type", "tool_call")
            writer.string("id", call.id)
            writer.string("name", call.name)
            writer.beginObject("arguments")
            for (key, value) in call.arguments { writer.string(key, value) }
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
        writer.string("finish_reason", finishReason)
        writer.endObject()
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
