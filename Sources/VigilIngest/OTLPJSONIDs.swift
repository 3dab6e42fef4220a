internal import Foundation
internal import VigilCore

/// OTLP's JSON mapping differs from the standard protobuf JSON mapping in one place: trace and
/// span ids are hex strings, not base64. This rewrites the values of the id keys
/// (`traceId`, `spanId`, `parentSpanId` and their snake_case forms) from hex to base64 in one pass
/// over the text, so the protobuf JSON decoder reads the same bytes the binary encoding carries.
enum OTLPJSONIDs {
    private static let idKeys: Set<[UInt8]> = Set(
        ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"].map { Array($0.utf8) }
    )

    /// The JSON text with every id value re-encoded as base64.
    /// - Throws: `VigilError` `.invalidInput` when an id is not hex.
    static func hexIDsToBase64(_ json: [UInt8]) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(json.count)
        var index = 0
        var idValueExpected: [UInt8]? = nil
        let count = json.count
        while index < count {
            let byte = json[index]
            guard byte == UInt8(ascii: "\"") else {
                // Any other value than a string ends the wait for an id value.
                if idValueExpected != nil, !isWhitespace(byte), byte != UInt8(ascii: ":") {
                    idValueExpected = nil
                }
                out.append(byte)
                index += 1
                continue
            }
            let start = index
            index += 1
            while index < count, json[index] != UInt8(ascii: "\"") {
                index += json[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < count else {
                throw VigilError(.invalidInput, "the JSON body ends inside a string")
            }
            index += 1
            let token = json[start..<index]
            var lookahead = index
            while lookahead < count, isWhitespace(json[lookahead]) { lookahead += 1 }
            let isKey = lookahead < count && json[lookahead] == UInt8(ascii: ":")
            if isKey {
                let name = Array(token.dropFirst().dropLast())
                idValueExpected = idKeys.contains(name) ? name : nil
                out.append(contentsOf: token)
            } else if let key = idValueExpected {
                let hex = String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
                guard let bytes = Hex.decode(hex) else {
                    throw VigilError(.invalidInput, "\(String(decoding: key, as: UTF8.self)) \"\(hex.prefix(64))\" is not a hex string")
                }
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: Data(bytes).base64EncodedString().utf8)
                out.append(UInt8(ascii: "\""))
                idValueExpected = nil
            } else {
                out.append(contentsOf: token)
            }
        }
        return out
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
