import Foundation

/// The rules for a pinned ssh host key (`host-key:` on a host): one public key in the
/// `known_hosts` form `TYPE BASE64 [COMMENT]`, of a type OpenSSH uses for host keys, whose
/// base64 blob decodes and names the same type.
public enum HostKeyRules {
    /// The key types a host key may have.
    public static let types = [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    /// The key as `TYPE BASE64` (any comment dropped), or why `text` is not a host key.
    public static func normalize(_ text: String) -> Result<String, Problem> {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 2 else { return .failure(Problem(description: "must be 'TYPE BASE64' such as \"ssh-ed25519 AAAAC3Nza...\"")) }
        let type = String(words[0])
        guard types.contains(type) else {
            return .failure(Problem(description: "has the unknown key type '\(type.debugEscaped)' (expected one of \(types.joined(separator: ", ")))"))
        }
        let encoded = String(words[1])
        guard encoded.utf8.allSatisfy({ $0 < 0x80 }), let blob = Data(base64Encoded: encoded) else {
            return .failure(Problem(description: "is not valid base64 after '\(type)'"))
        }
        let bytes = [UInt8](blob)
        guard bytes.count > 4 else { return .failure(Problem(description: "holds no key after '\(type)'")) }
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length == type.utf8.count, bytes.count >= 4 + length, Array(bytes[4..<(4 + length)]) == Array(type.utf8), bytes.count > 4 + length else {
            return .failure(Problem(description: "is not a '\(type)' key (its base64 data names another type or is cut)"))
        }
        return .success(type + " " + encoded)
    }

    /// Why a text is not a host key.
    public struct Problem: Error, Sendable {
        /// The reason, to follow "'host-key' ".
        public var description: String
    }
}
