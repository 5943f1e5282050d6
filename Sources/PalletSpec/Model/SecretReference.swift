/// A secret named in the specs and resolved on the control host at apply time.
public struct SecretReference: Sendable, Hashable {
    /// Where the secret's value is read from.
    public enum Source: Sendable, Hashable {
        /// An environment variable of the `pallet apply` process.
        case environment(String)
        /// A file on the control host.
        case file(String)
    }

    /// Where the value is read from.
    public var source: Source
    /// Where the reference was written.
    public var location: SourceLocation

    /// Creates a reference.
    public init(source: Source, location: SourceLocation) {
        self.source = source
        self.location = location
    }

    /// The longest identifier, in bytes, that a secret may have: it is a file name on the node.
    public static let maximumIdentifierLength = 250

    /// A stable identifier, safe as a file name, under which the executor delivers the value.
    ///
    /// It is injective: two different sources never share one. An environment variable gives
    /// `env-NAME` (names are letters, digits and `_`, so never a `-`); a file path gives `file-`
    /// followed by the path's UTF-8 bytes, where letters, digits, `.` and `-` stand for themselves
    /// and every other byte, `_` included, is written `_XX` (two upper-case hex digits). So
    /// `/etc/a/b` is `file-_2Fetc_2Fa_2Fb` and `/etc/a_b` is `file-_2Fetc_2Fa_5Fb`, and the path can
    /// be read back from the identifier.
    public var identifier: String {
        switch source {
        case .environment(let name): return "env-\(name)"
        case .file(let path): return "file-" + Self.escapedFileName(path)
        }
    }

    /// `text`'s UTF-8 bytes with every byte but an ASCII letter, digit, `.` or `-` written `_XX`.
    static func escapedFileName(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "-"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "_"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
