internal import Foundation
internal import VigilCore
internal import VigilOTLPProto
internal import VigilSafety

/// Writes OTLP attribute lists and values as JSON: attributes as an object keyed by attribute name
/// (a repeated key keeps its last value), arrays as arrays, key-value lists as objects,
/// bytes as base64 strings.
/// Every string value passes through the export's redaction: scanned, left alone (allowed
/// attributes) or dropped (denied attributes, written as `<REDACTED>`); a nested value follows
/// the rule of the attribute it is under. The attribute limits apply first: the first
/// `attributeCount` attributes of a list are kept, and each string value is cut to
/// `attributeValueLength`, both counted in `redaction.limitCounts`.
enum AttributeJSON {
    static func writeAttributes(_ key: String?, _ attributes: [OTLPKeyValue], redaction: inout EventRedaction, into writer: inout JSONWriter) {
        writer.beginObject(key)
        let limit = redaction.limits.attributeCount
        if attributes.count > limit {
            redaction.limitCounts.droppedAttributes += attributes.count - limit
        }
        for attribute in attributes.prefix(limit) {
            let value = attribute.hasValue ? attribute.value : nil
            switch redaction.redactor.rule(forAttribute: attribute.key) {
            case .deny where value?.value != nil:
                redaction.denied(value?.textValue)
                writer.string(attribute.key, Redactor.deniedPlaceholder)
            case .allow:
                writeValue(attribute.key, value, scan: false, redaction: &redaction, into: &writer)
            case .deny, .scan:
                writeValue(attribute.key, value, scan: true, redaction: &redaction, into: &writer)
            }
        }
        writer.endObject()
    }

    /// Writes `value`; `limited: false` leaves its strings whole (a log record's body, which the
    /// attribute limits do not cover).
    static func writeValue(_ key: String?, _ value: OTLPAnyValue?, scan: Bool, limited: Bool = true, redaction: inout EventRedaction, into writer: inout JSONWriter) {
        switch value?.value {
        case .stringValue(let whole)?:
            let text = limited ? redaction.limited(whole) : whole
            writer.string(key, scan ? redaction.text(text) : text)
        case .boolValue(let flag)?: writer.bool(key, flag)
        case .intValue(let number)?: writer.int(key, number)
        case .doubleValue(let number)?: writer.double(key, number)
        case .arrayValue(let array)?:
            writer.beginArray(key)
            for element in array.values { writeValue(nil, element, scan: scan, limited: limited, redaction: &redaction, into: &writer) }
            writer.endArray()
        case .kvlistValue(let list)?:
            writer.beginObject(key)
            for entry in list.values {
                writeValue(entry.key, entry.hasValue ? entry.value : nil, scan: scan, limited: limited, redaction: &redaction, into: &writer)
            }
            writer.endObject()
        case .bytesValue(let bytes)?: writer.string(key, bytes.base64EncodedString())
        case nil: writer.null(key)
        }
    }

    static func writeScope(_ scope: OTLPInstrumentationScope, redaction: inout EventRedaction, into writer: inout JSONWriter) {
        writer.beginObject("scope")
        writer.string("name", scope.name)
        if !scope.version.isEmpty { writer.string("version", scope.version) }
        if !scope.attributes.isEmpty { writeAttributes("attributes", scope.attributes, redaction: &redaction, into: &writer) }
        writer.endObject()
    }
}

extension OTLPAnyValue {
    /// The value as text, when it is a string (or a number, rendered).
    var textValue: String? {
        switch value {
        case .stringValue(let text)?: text
        case .intValue(let number)?: String(number)
        case .doubleValue(let number)?: String(number)
        case .boolValue(let flag)?: String(flag)
        default: nil
        }
    }

    /// The value as an integer, when it is one, a whole double, or a string of digits.
    var integerValue: Int64? {
        switch value {
        case .intValue(let number)?: number
        case .doubleValue(let number)?: number.isFinite && number == number.rounded() ? Int64(exactly: number) : nil
        case .stringValue(let text)?: Int64(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// The value as a double, when it is numeric.
    var numberValue: Double? {
        switch value {
        case .intValue(let number)?: Double(number)
        case .doubleValue(let number)?: number
        case .stringValue(let text)?: Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// The value as a list of strings: an array's string elements, or a single string as a list of one.
    var stringList: [String]? {
        switch value {
        case .arrayValue(let array)?: array.values.compactMap(\.textValue)
        case .stringValue(let text)?: [text]
        default: nil
        }
    }
}
