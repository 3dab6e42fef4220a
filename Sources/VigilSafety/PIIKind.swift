/// A kind of personal data or secret the detector finds.
public enum PIIKind: String, CaseIterable, Sendable, Hashable {
    /// An email address.
    case email
    /// A phone number, international (`+49 30 12345678`) or in a common national format.
    case phone
    /// A payment card number with a known issuer prefix and a valid Luhn check digit.
    case card
    /// An IBAN of a known country, of that country's length, passing the mod-97 check.
    case iban
    /// A US social security number in a valid range.
    case ssn
    /// An API key, token or private key.
    case secret
    /// An IPv4 or IPv6 address.
    case ip

    /// The name in a placeholder: `EMAIL` in `<EMAIL>`.
    public var placeholderName: String { rawValue.uppercased() }
}

/// Where one piece of PII sits in a text, in Unicode scalars (not bytes, not UTF-16 units).
public struct PIIFinding: Sendable, Hashable {
    /// What was found.
    public var kind: PIIKind
    /// The offset of its first scalar.
    public var start: Int
    /// The offset just past its last scalar.
    public var end: Int

    /// Makes a finding.
    public init(kind: PIIKind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}
