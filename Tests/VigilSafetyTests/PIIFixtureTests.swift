import Foundation
import Testing
import VigilSafety

/// The labelled set in `Fixtures/pii-fixture.json` (made by `generate_pii_fixture.py` beside it).
struct FixtureItem: Decodable {
    struct Expected: Decodable {
        var kind: String
        var value: String
    }

    var id: Int
    var lang: String
    var text: String
    var findings: [Expected]
    var decoys: [String]

    static func load() throws -> [FixtureItem] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pii-fixture.json")
        return try JSONDecoder().decode([FixtureItem].self, from: Data(contentsOf: path))
    }
}

/// The substring of `text` between scalar offsets.
func scalarSlice(_ text: String, _ start: Int, _ end: Int) -> String {
    let scalars = Array(text.unicodeScalars)
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[start..<end])
    return String(view)
}

@Suite("PII detection on the labelled set")
struct PIIFixtureTests {
    @Test("recall is at least 0.98 for every kind and at most 2% of decoys are redacted")
    func recallAndDecoys() throws {
        let items = try FixtureItem.load()
        #expect(items.count >= 250)
        var expectedByKind: [String: Int] = [:]
        var foundByKind: [String: Int] = [:]
        var decoys = 0
        var decoysHit = 0
        for item in items {
            let findings = PIIDetector.findings(in: item.text)
            let got = Set(findings.map { "\($0.kind.rawValue)|\(scalarSlice(item.text, $0.start, $0.end))" })
            for expected in item.findings {
                expectedByKind[expected.kind, default: 0] += 1
                if got.contains("\(expected.kind)|\(expected.value)") {
                    foundByKind[expected.kind, default: 0] += 1
                }
            }
            let scalars = Array(item.text.unicodeScalars)
            for decoy in item.decoys {
                decoys += 1
                let needle = Array(decoy.unicodeScalars)
                guard let start = (0...(scalars.count - needle.count)).first(where: { Array(scalars[$0..<($0 + needle.count)]) == needle }) else {
                    Issue.record("decoy \(decoy) not in item \(item.id)")
                    continue
                }
                let end = start + needle.count
                if findings.contains(where: { $0.start < end && start < $0.end }) { decoysHit += 1 }
            }
        }
        for kind in PIIKind.allCases {
            let total = expectedByKind[kind.rawValue] ?? 0
            #expect(total >= 30, "too few \(kind.rawValue) items")
            let recall = Double(foundByKind[kind.rawValue] ?? 0) / Double(max(total, 1))
            #expect(recall >= 0.98, "recall of \(kind.rawValue) is \(recall)")
        }
        #expect(decoys >= 250)
        let overRedacted = Double(decoysHit) / Double(max(decoys, 1))
        #expect(overRedacted <= 0.02, "\(decoysHit) of \(decoys) decoys were redacted")
    }
}
