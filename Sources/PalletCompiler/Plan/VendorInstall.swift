import PalletContract
import PalletSpec

/// What a vendored group's package transaction installs from `specs/vendor.lock`'s files: for
/// each request as the specs write it, the packages of its closure.
public struct VendorInstall: Sendable {
    /// One request and one package of its closure.
    public struct Entry: Sendable, Hashable {
        /// The request as written: `nginx` or `nginx=VERSION`.
        public var request: String
        /// The package's name.
        public var name: String
        /// Its version.
        public var version: String
        /// Its architecture.
        public var architecture: String
        /// The file's SHA-256.
        public var sha256: String

        /// The entry's line of `vendor.list`: `REQUEST NAME VERSION ARCH SHA256`.
        public var line: String { "\(request) \(name) \(version) \(architecture) \(sha256)" }
    }

    /// The release and architecture the lock resolved the packages for.
    public var target: VendorTarget
    /// The entries, each once, sorted by their line.
    public var entries: [Entry]

    /// Creates an install of `entries` (duplicates dropped, sorted) for `target`.
    public init(target: VendorTarget, entries: [Entry]) {
        self.target = target
        self.entries = Set(entries).sorted { $0.line.utf8.lexicographicallyPrecedes($1.line.utf8) }
    }

    /// The bundle's `vendor.list`: one line per entry.
    public var listText: String {
        entries.map { $0.line + "\n" }.joined()
    }

    /// The packages of every closure, each once, sorted by name (then SHA-256), as plan.json lists them.
    public var packages: [VendoredPackage] {
        var seen = Set<String>()
        var packages: [VendoredPackage] = []
        for entry in entries where seen.insert(entry.sha256).inserted {
            packages.append(VendoredPackage(name: entry.name, version: entry.version, architecture: entry.architecture, sha256: entry.sha256))
        }
        return packages.sorted { ($0.name, $0.sha256) < ($1.name, $1.sha256) }
    }
}
