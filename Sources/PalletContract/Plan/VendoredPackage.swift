/// A `.deb` file a bundle installs from the project's vendor cache instead of a repository, as
/// plan.json lists it: the executor checks the cached file against `sha256` and sends it to nodes
/// that lack the package.
public struct VendoredPackage: Codable, Sendable, Equatable {
    /// The package's name.
    public var name: String
    /// Its version.
    public var version: String
    /// The package's architecture (`all` or the target's).
    public var architecture: String
    /// The file's SHA-256, lowercase hex; the cache holds it as `<sha256>.deb`.
    public var sha256: String

    /// Creates an entry from its parts.
    public init(name: String, version: String, architecture: String, sha256: String) {
        self.name = name
        self.version = version
        self.architecture = architecture
        self.sha256 = sha256
    }

    /// The file's path relative to the project's vendor cache folder.
    public var cacheName: String { sha256 + ".deb" }

    /// The file's path in a node's run folder: `debs/<sha256>.deb`.
    public var streamPath: String { "debs/" + cacheName }

    /// The path of the vendor list inside a vendored bundle.
    public static let listPath = "vendor.list"
}
