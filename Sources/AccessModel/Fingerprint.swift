/// Short, stable content fingerprints (FNV-1a, 64 bits): enough to notice that something changed.
public enum Fingerprint {
    /// The fingerprint of some bytes.
    public static func of(bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hex(hash)
    }

    static func hex(_ hash: UInt64) -> String {
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func of(_ text: String) -> String { of(bytes: text.utf8) }
}
