import Crypto
import Foundation

/// Secrets derived from the API key, one per purpose: the signature that lets `apply` trust a
/// saved plan (only a holder of the key can make one), and the key of the short hashes that keep
/// masked addresses apart. Neither reveals the API key.
public struct PlanKey: Sendable {
    private let signing: SymmetricKey
    /// The masking secret, as hex: stored in the plan so `show` masks the same way without the key.
    public let maskSalt: String

    public init(apiKey: String) {
        let root = SymmetricKey(data: Data(apiKey.utf8))
        func derive(_ purpose: String) -> Data {
            Data(HMAC<SHA256>.authenticationCode(for: Data("kisictl \(purpose) v1".utf8), using: root))
        }
        signing = SymmetricKey(data: derive("saved plan signature"))
        maskSalt = derive("masked address").map { String(format: "%02x", $0) }.joined()
    }

    public func signature(of bytes: Data) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: bytes, using: signing)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in constant time.
    public func isSignature(_ signature: String, of bytes: Data) -> Bool {
        guard let code = Data(hex: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: bytes, using: signing)
    }

    /// `a***@example.com#3f9a2c1b7e40`'s tag: 12 hex characters of a keyed hash of the address.
    public static func tag(_ normalizedEmail: String, salt: String) -> String {
        let key = SymmetricKey(data: Data(salt.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(normalizedEmail.utf8), using: key)).prefix(6).map { String(format: "%02x", $0) }
            .joined()
    }
}

extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
