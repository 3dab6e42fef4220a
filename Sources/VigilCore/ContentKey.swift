internal import Crypto

/// Dedup keys for kinds without a natural id: the first 16 bytes of SHA-256 over kind and body.
public enum ContentKey {
    /// The key of an event of `kind` with `body`.
    public static func make(kind: EventKind, body: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(kind.rawValue.utf8) + [0])
        hasher.update(data: body)
        return Array(hasher.finalize().prefix(16))
    }
}
