import Testing
import VigilAlerting

@Suite("Label sets and fingerprints")
struct LabelSetTests {
    // Oracles: an independent implementation of Prometheus' labelSetToFingerprint (FNV-1a 64 over
    // sorted name 0xFF value 0xFF) in Python; the empty set is FNV-1a's offset basis.
    @Test("fingerprints are Prometheus' and Alertmanager's", arguments: [
        ([:], "cbf29ce484222325"),
        (["alertname": "ChatLatencyHigh", "service": "chat", "severity": "page"], "44b2eee8d7892259"),
        (["alertname": "Test"], "e46aaa9fcf75dd34"),
        (["a": "b", "ü": "é"], "6fdbd338cac3990f"),
    ] as [([String: String], String)])
    func fingerprint(labels: [String: String], expected: String) {
        #expect(LabelSet(labels).fingerprintHex == expected)
        #expect(LabelSet(labels).fingerprintHex.count == 16)
    }

    @Test("empty values are no label, so they do not change the fingerprint")
    func emptyValues() {
        let with: LabelSet = ["alertname": "Test", "model": ""]
        #expect(with.count == 1)
        #expect(with.fingerprintHex == "e46aaa9fcf75dd34")
    }

    @Test("the description is Prometheus' notation, sorted and quoted")
    func description() {
        let labels: LabelSet = ["service": "chat", "alertname": "High\"Latency\"", "path": "a\\b"]
        #expect(labels.description == #"{alertname="High\"Latency\"", path="a\\b", service="chat"}"#)
        #expect(LabelSet().description == "{}")
    }

    @Test("merging lets the second set win; keeping selects names")
    func mergeAndKeep() {
        let a: LabelSet = ["service": "chat", "team": "a"]
        let b: LabelSet = ["team": "b", "severity": "page"]
        #expect(a.merging(b) == ["service": "chat", "team": "b", "severity": "page"])
        #expect(a.merging(b).keeping(["team", "missing"]) == ["team": "b"])
    }
}
