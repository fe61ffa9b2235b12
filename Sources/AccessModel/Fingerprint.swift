/// Short, stable content fingerprints (FNV-1a, 64 bits): enough to notice that something changed.
public enum Fingerprint {
    /// The fingerprint of some bytes: FNV-1a over 8-byte words (then the last bytes one by one),
    /// eight times as fast as byte by byte over a large export.
    public static func of(bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { buffer in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            let words = buffer.count / 8
            for index in 0..<words {
                hash ^= UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                hash = hash &* 0x0000_0100_0000_01B3
            }
            for byte in buffer[(words * 8)...] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            return hex(hash)
        }
    }

    static func hex(_ hash: UInt64) -> String {
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func of(_ text: String) -> String { of(bytes: Array(text.utf8)) }

    /// Fingerprints parts as they come, without building one large text.
    public struct Builder: Sendable {
        private var hash: UInt64 = 0xCBF2_9CE4_8422_2325

        public init() {}

        public mutating func add(_ text: String) {
            for byte in text.utf8 { mix(byte) }
            mix(0x1F)
        }

        /// Adds text lower-cased (ASCII letters), without allocating a lower-cased copy.
        public mutating func addLowercased(_ text: String) {
            for byte in text.utf8 { mix(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
            mix(0x1F)
        }

        public mutating func add(_ number: Int) {
            var value = UInt64(bitPattern: Int64(number))
            for _ in 0..<8 {
                mix(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }

        private mutating func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }

        public var value: String { hex(hash) }
    }
}
