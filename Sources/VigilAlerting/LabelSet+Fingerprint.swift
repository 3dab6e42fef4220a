extension LabelSet {
    /// The label set's fingerprint, computed exactly as Prometheus' `model.LabelSet.Fingerprint()`
    /// (and so as Alertmanager computes an alert's): 64-bit FNV-1a over the labels sorted by name,
    /// each name and each value followed by the byte 0xFF, which cannot occur in UTF-8. The empty
    /// set's fingerprint is FNV-1a's offset basis. Alertmanager and Vigil therefore agree on the
    /// fingerprint of the same labels.
    public var fingerprint: UInt64 {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        for (name, value) in sorted {
            for byte in name.utf8 { add(byte) }
            add(0xFF)
            for byte in value.utf8 { add(byte) }
            add(0xFF)
        }
        return hash
    }

    /// The fingerprint as 16 lower-case hex digits, as Alertmanager writes it in webhooks.
    public var fingerprintHex: String {
        let hex = String(fingerprint, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
