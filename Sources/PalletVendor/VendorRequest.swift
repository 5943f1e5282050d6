import PalletSpec

/// One package a vendored group asks for, as its specs write it: `nginx`, or `nginx=VERSION` for
/// a pin, with where it was written.
public struct VendorRequest: Sendable, Hashable {
    /// The request as the lock's `needs` lines and apt take it.
    public var text: String
    /// The package step that asks for it.
    public var origin: SourceLocation

    /// Creates a request.
    public init(text: String, origin: SourceLocation) {
        self.text = text
        self.origin = origin
    }

    /// The package's name, without a pin.
    public var name: String {
        String(text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    /// Whether `text` is a request apt can take as one argument and never as an option: a Debian
    /// package name (lowercase letters, digits, `+`, `-`, `.`, starting with a letter or digit),
    /// optionally `=` and a version (letters, digits, `.`, `+`, `~`, `:`, `-`).
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0]
        guard let first = name.unicodeScalars.first, isLowerAlphanumeric(first), name.unicodeScalars.count >= 2 || parts.count == 1,
              name.unicodeScalars.allSatisfy({ isLowerAlphanumeric($0) || "+-.".unicodeScalars.contains($0) }) else { return false }
        guard parts.count == 2 else { return true }
        let version = parts[1]
        guard let lead = version.unicodeScalars.first, ("0"..."9").contains(lead) else { return false }
        return version.unicodeScalars.allSatisfy {
            isLowerAlphanumeric($0) || ("A"..."Z").contains($0) || ".+~:-".unicodeScalars.contains($0)
        }
    }

    static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
