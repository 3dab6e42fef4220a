import Testing
import VigilSafety

@Suite("Checksums and detectors")
struct DetectorTests {
    func found(_ text: String) -> [String] {
        PIIDetector.findings(in: text).map { "\($0.kind.rawValue):\(scalarSlice(text, $0.start, $0.end))" }
    }

    @Test("Luhn accepts valid numbers and refuses a changed digit")
    func luhn() {
        #expect(Checksum.luhn([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))
        #expect(Checksum.luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]))
        #expect(!Checksum.luhn([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]))
        #expect(!Checksum.luhn([]))
        #expect(found("card 4111 1111 1111 1111 ok") == ["card:4111 1111 1111 1111"])
        #expect(found("card 4111 1111 1111 1112 ok") == [])
        #expect(found("amex 3782-822463-10005") == ["card:3782-822463-10005"])
        // Luhn-valid but no issuer starts with 1.
        #expect(found("id 1234567812345670") == [])
    }

    @Test("mod-97 accepts the published IBAN examples and refuses a changed check digit")
    func mod97() {
        #expect(Checksum.ibanMod97("DE89 3704 0044 0532 0130 00"))
        #expect(Checksum.ibanMod97("GB82WEST12345698765432"))
        #expect(Checksum.ibanMod97("FR1420041010050500013M02606"))
        #expect(!Checksum.ibanMod97("DE88 3704 0044 0532 0130 00"))
        #expect(found("IBAN: DE89 3704 0044 0532 0130 00.") == ["iban:DE89 3704 0044 0532 0130 00"])
        #expect(found("IBAN: DE88 3704 0044 0532 0130 00.") == [])
    }

    @Test("SSNs only in issued ranges")
    func ssnRanges() {
        #expect(Checksum.isValidSSN(area: 123, group: 45, serial: 6789))
        #expect(!Checksum.isValidSSN(area: 0, group: 45, serial: 6789))
        #expect(!Checksum.isValidSSN(area: 666, group: 45, serial: 6789))
        #expect(!Checksum.isValidSSN(area: 900, group: 45, serial: 6789))
        #expect(!Checksum.isValidSSN(area: 999, group: 45, serial: 6789))
        #expect(!Checksum.isValidSSN(area: 123, group: 0, serial: 6789))
        #expect(!Checksum.isValidSSN(area: 123, group: 45, serial: 0))
        #expect(found("ssn 123-45-6789") == ["ssn:123-45-6789"])
        #expect(found("ssn 666-45-6789, 901-12-3456, 123-00-4567") == [])
    }

    @Test("offsets count Unicode scalars, also after emoji, accents and CJK")
    func scalarOffsets() throws {
        let text = "👩‍💻 café 电话 mail: li@example.com"
        let finding = try #require(PIIDetector.findings(in: text).first)
        #expect(finding.kind == .email)
        // 👩‍💻 is three scalars (woman, ZWJ, laptop), not one character or five UTF-16 units.
        #expect(finding.start == 18)
        #expect(finding.end == 32)
        #expect(scalarSlice(text, finding.start, finding.end) == "li@example.com")
    }

    @Test("secrets of every shape, and look-alikes that are not")
    func secrets() {
        #expect(found("key AKIAIOSFODNN7EXAMPLE here") == ["secret:AKIAIOSFODNN7EXAMPLE"])
        #expect(found("token ghp_abcdefghijklmnopqrstuvwxyz0123456789") == ["secret:ghp_abcdefghijklmnopqrstuvwxyz0123456789"])
        #expect(found("slack xoxb-123456789012-abcdefABCDEF") == ["secret:xoxb-123456789012-abcdefABCDEF"])
        #expect(found("AIzaSyA1234567890abcdefghijklmnopqrstuv") == ["secret:AIzaSyA1234567890abcdefghijklmnopqrstuv"])
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        #expect(found("Authorization: Bearer \(jwt)") == ["secret:\(jwt)"])
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\n-----END RSA PRIVATE KEY-----"
        #expect(found("key:\n\(pem)\nend") == ["secret:\(pem)"])
        #expect(found("use sk-learn and scikit 1.5") == [])
        #expect(found("-----BEGIN CERTIFICATE-----\nMIIB123\n-----END CERTIFICATE-----") == [])
    }

    @Test("phones in international and national forms; dates and versions are not phones")
    func phones() {
        #expect(found("call (415) 555-0132") == ["phone:(415) 555-0132"])
        #expect(found("call 415-555-0132.") == ["phone:415-555-0132"])
        #expect(found("ring 020 7946 0958") == ["phone:020 7946 0958"])
        #expect(found("Tel. 030 12345678") == ["phone:030 12345678"])
        #expect(found("appelez le +33 1 42 68 53 00") == ["phone:+33 1 42 68 53 00"])
        #expect(found("on 2024-05-01 at 12:30:45, v1.2.3, 1714557600, $1,234.56") == [])
    }

    @Test("inside JSON text (message lists in string attributes), an escape such as \\n before a value is a boundary")
    func jsonEscapes() {
        let json = #"{"content":"hi\nbob@example.com\n+49 30 12345678\t4111 1111 1111 1111"}"#
        #expect(found(json) == ["email:bob@example.com", "phone:+49 30 12345678", "card:4111 1111 1111 1111"])
    }

    @Test("IP addresses, and dotted versions and hashes that are not")
    func addresses() {
        #expect(found("from 192.168.1.20 and 2001:db8::8a2e:370:7334") == ["ip:192.168.1.20", "ip:2001:db8::8a2e:370:7334"])
        #expect(found("fe80:0000:0000:0000:0202:b3ff:fe1e:8329") == ["ip:fe80:0000:0000:0000:0202:b3ff:fe1e:8329"])
        #expect(found("versions 1.2.3.4.5 and v10.0.1.2, 256.1.1.1, sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b") == [])
        #expect(found("uuid 550e8400-e29b-41d4-a716-446655440000") == [])
    }
}
