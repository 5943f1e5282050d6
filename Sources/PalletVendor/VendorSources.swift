import PalletSpec

/// Which apt sources serve each target: `--sources FILE` (for every release other than the
/// control host's) or `--sources RELEASE=FILE`, else, for the control host's own release, its
/// `/etc/apt/sources.list` and `sources.list.d`.
public struct VendorSources: Sendable {
    /// Files given for one release.
    public var byRelease: [String: String] = [:]
    /// The file given without a release.
    public var other: String?
    /// The control host's release (`ID-VERSION_ID`), when it has one.
    public var hostRelease: String?

    /// Reads `--sources` arguments: `FILE` (at most one) or `RELEASE=FILE`.
    public init(arguments: [String], hostRelease: String?) throws {
        self.hostRelease = hostRelease
        for argument in arguments {
            if let equals = argument.firstIndex(of: "="), VendorTarget.isRelease(String(argument[..<equals])) {
                byRelease[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else {
                guard other == nil else { throw VendorError("--sources FILE without a release may be given once; name the release of the others: --sources RELEASE=FILE") }
                other = argument
            }
        }
    }

    /// The sources file for `target`, or nil for the control host's own sources.
    ///
    /// - Throws: ``VendorError`` when the target's release is not the control host's and no file
    ///   serves it.
    public func file(for target: VendorTarget) throws -> String? {
        if let file = byRelease[target.release] { return file }
        if target.release == hostRelease { return nil }
        if let other { return other }
        throw VendorError("groups vendored for \(target.release) need --sources FILE: an apt sources file for \(target.release) "
            + "(with its Signed-By keyring); the control host is \(hostRelease ?? "of no known release"), so its own apt sources serve only that release")
    }
}
