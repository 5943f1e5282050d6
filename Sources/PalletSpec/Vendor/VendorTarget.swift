/// The OS release and architecture a group's vendored packages are resolved for, as a group-spec's
/// `vendor:` gives them (`vendor: {release: debian-12, architecture: amd64}`).
public struct VendorTarget: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `ID-VERSION_ID` of the nodes' `/etc/os-release`, such as `debian-12` or `ubuntu-22.04`.
    public var release: String
    /// The dpkg architecture, such as `amd64` or `arm64`.
    public var architecture: String

    /// The architecture when a `vendor:` gives none.
    public static let defaultArchitecture = "amd64"

    /// Creates a target from a release and an architecture.
    public init(release: String, architecture: String) {
        self.release = release
        self.architecture = architecture
    }

    /// `debian-12/amd64`.
    public var description: String { "\(release)/\(architecture)" }

    /// Orders by release, then architecture (the lock file's order).
    public static func < (lhs: VendorTarget, rhs: VendorTarget) -> Bool {
        (lhs.release, lhs.architecture) < (rhs.release, rhs.architecture)
    }

    /// Whether `release` has the form `ID-VERSION_ID`: a lowercase letter, then lowercase letters
    /// and digits, a `-`, and a version of digits and dots.
    public static func isRelease(_ release: String) -> Bool {
        guard let dash = release.firstIndex(of: "-") else { return false }
        let id = release[..<dash], version = release[release.index(after: dash)...]
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first),
              id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }),
              let lead = version.unicodeScalars.first, ("0"..."9").contains(lead) else { return false }
        return version.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == "." } && release.count <= 64
    }

    /// Whether `architecture` is a dpkg architecture name: lowercase letters and digits (and `-`),
    /// starting with a letter.
    public static func isArchitecture(_ architecture: String) -> Bool {
        guard let first = architecture.unicodeScalars.first, ("a"..."z").contains(first), architecture.count <= 32 else { return false }
        return architecture.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
