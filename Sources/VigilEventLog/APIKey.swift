internal import Crypto
internal import VigilCore

/// An API key: `vgl_<lookup>_<secret>`. The lookup part finds the key's row; the whole key is
/// only ever stored as its SHA-256 hash, and compared in constant time.
public struct APIKey: Sendable, Equatable {
    /// The public part, stored in clear to find the row.
    public let lookup: String
    /// The whole key as the client sends it.
    public let token: String

    private static let alphabet: [Character] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A new random key (12 + 32 characters of base 62, about 190 bits of secret).
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        let lookup = String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
        let secret = String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
        return APIKey(lookup: lookup, token: "vgl_\(lookup)_\(secret)")
    }

    /// The length of every key: `vgl_`, 12 characters, `_`, 32 characters.
    public static let length = 49

    /// What a key looks like, for messages.
    public static let shape = "vgl_ followed by 12 letters or digits, _ and 32 letters or digits"

    /// Reads a key as a client sent it; nil when it is not of Vigil's form (decided from the text
    /// alone: a malformed key never reaches the database).
    public init?(token: String) {
        guard token.utf8.count == Self.length else { return nil }
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "vgl", parts[1].count == 12, parts[2].count == 32,
              token.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || Self.alphabet.contains(Character(Unicode.Scalar($0))) })
        else { return nil }
        self.lookup = String(parts[1])
        self.token = token
    }

    private init(lookup: String, token: String) {
        self.lookup = lookup
        self.token = token
    }

    /// SHA-256 of the whole key: what the database stores.
    public var hash: [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    /// Whether `storedHash` is this key's hash, in time that does not depend on where they differ.
    public func matches(storedHash: [UInt8]) -> Bool {
        let mine = hash
        guard mine.count == storedHash.count else { return false }
        var difference: UInt8 = 0
        for index in mine.indices { difference |= mine[index] ^ storedHash[index] }
        return difference == 0
    }
}
