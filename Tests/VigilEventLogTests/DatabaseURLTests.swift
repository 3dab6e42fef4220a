import Foundation
import Testing
import VigilCore
import VigilEventLog

@Suite("Database URL")
struct DatabaseURLTests {
    @Test("sslmode and sslrootcert are read as libpq reads them, and kept in the URL text")
    func tlsModes() throws {
        #expect(try DatabaseURL("postgres://u@h/db").sslMode == .disable)
        for mode in DatabaseURL.SSLMode.allCases {
            let url = try DatabaseURL("postgres://u:pw@h:5433/db?sslmode=\(mode.rawValue)")
            #expect(url.sslMode == mode)
            #expect(url.description.contains("pw") == false)
            let again = try DatabaseURL(url.connectionString)
            #expect(again.sslMode == mode)
        }
        let certificate = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-url-test-\(UUID().uuidString).pem")
        // Any readable file is taken at parse time by the check; a real CA file is tested end to end.
        try Self.selfSignedPEM.write(to: certificate, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: certificate) }
        let verified = try DatabaseURL("postgres://u@localhost/db?sslmode=verify-full&sslrootcert=\(certificate.path)")
        #expect(verified.sslRootCert == certificate.path)
        #expect(try DatabaseURL(verified.connectionString).sslRootCert == certificate.path)
    }

    @Test("an unknown sslmode or a missing sslrootcert is a configuration error naming the value")
    func refusals() {
        for (text, fragment) in [
            ("postgres://u@h/db?sslmode=verify_full", "sslmode=verify_full is not one of disable, allow, prefer, require, verify-ca, verify-full"),
            ("postgres://u@h/db?sslmode=VERIFY-FULL", "sslmode=VERIFY-FULL"),
            ("postgres://u@h/db?sslmode=verify-ca&sslrootcert=/nonexistent/root.crt", "sslrootcert=/nonexistent/root.crt is not a readable file"),
        ] {
            do {
                _ = try DatabaseURL(text)
                Issue.record("\(text) was accepted")
            } catch let error as VigilError {
                #expect(error.code == .configuration)
                #expect(error.message.contains(fragment), "\(error.message)")
                #expect(error.message.hasPrefix("VIGIL_DATABASE_URL"))
            } catch {
                Issue.record("\(text): \(error)")
            }
        }
    }

    /// A throwaway self-signed certificate (CN=localhost), for parsing only.
    static let selfSignedPEM = """
        -----BEGIN CERTIFICATE-----
        MIIBgDCCASWgAwIBAgIUIdpsYtjrWIvPlBFKhhcrVmQjssswCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNzE5Mjg0MFoYDzIxMjYxMTEz
        MTkyODQwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQl3cA02outKQ8Y1o3ToO3W0TUl8x79rLsKQIe45pBsCX2w1ORTebkb
        yKZfoAc45BGKfOIv/a3AjFk+PX/OaSFNo1MwUTAdBgNVHQ4EFgQUw6oeyEmBJhbV
        e4qRBM/oF4CuCqswHwYDVR0jBBgwFoAUw6oeyEmBJhbVe4qRBM/oF4CuCqswDwYD
        VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA3hrgjSL+t9sxVYoqjjSW
        7NgNhSL24YzDseoYhxDDvIICIQCSN4aCXUxI5C/t1jhSLGdpqI2r/9Hq5VCTKpdK
        KCbnPg==
        -----END CERTIFICATE-----

        """
}
