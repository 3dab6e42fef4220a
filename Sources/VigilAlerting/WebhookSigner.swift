public import Foundation
internal import Crypto

/// Signs webhook bodies for receivers with a secret: `X-Vigil-Signature: sha256=<hex>`, the hex
/// HMAC-SHA256 of the exact body bytes keyed with the secret's UTF-8 bytes (GitHub's scheme), so a
/// receiver can check that a notification came from Vigil and was not altered.
public enum WebhookSigner {
    /// The header that carries the signature.
    public static let headerName = "X-Vigil-Signature"

    /// `sha256=` and the lower-case hex HMAC-SHA256 of `body` under `secret`.
    public static func signature(body: some DataProtocol, secret: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return "sha256=" + code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Whether `signature` is the signature of `body` under `secret`; compares in constant time.
    public static func verify(signature: String, body: some DataProtocol, secret: String) -> Bool {
        let expected = Array(Self.signature(body: body, secret: secret).utf8)
        let given = Array(signature.lowercased().utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
