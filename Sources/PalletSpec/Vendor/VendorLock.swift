/// `specs/vendor.lock`: the `.deb` files that groups with `vendor:` install without a repository,
/// per OS release and architecture, as `pallet vendor` resolved and verified them. It is
/// committed and reviewed; the files themselves live in the project's cache,
/// `.pallet/vendor/<sha256>.deb`, which git ignores.
///
/// The file is text, one fact per line, sorted, so a change shows line by line in review:
///
/// ```
/// debian-12 amd64 deb nginx 1.22.1-9+deb12u11 amd64 532488 <sha256>
/// debian-12 amd64 needs nginx libc6 libpcre2-8-0 libssl3 nginx nginx-common zlib1g
/// ```
///
/// A `deb` line names a package file: package, version, its own architecture (`all` or the
/// target's), size in bytes and SHA-256. A `needs` line gives, for one request as the specs write
/// it (`nginx`, or `nginx=1.22.1-9+deb12u11` for a pin), every package a node without any of
/// them installs: the request itself and its dependencies, without recommends. Lines starting
/// with `#` are comments.
public struct VendorLock: Sendable, Equatable {
    /// One package file.
    public struct Package: Sendable, Equatable {
        /// The package's name, such as `nginx`.
        public var name: String
        /// Its version, such as `1.22.1-9+deb12u11` (with its epoch, if any, as `1:2.3-4`).
        public var version: String
        /// The package's architecture: `all` or the target's.
        public var architecture: String
        /// The file's size in bytes.
        public var size: Int
        /// The file's SHA-256, lowercase hex.
        public var sha256: String

        /// Creates a package entry from its parts.
        public init(name: String, version: String, architecture: String, size: Int, sha256: String) {
            self.name = name
            self.version = version
            self.architecture = architecture
            self.size = size
            self.sha256 = sha256
        }

        /// The file's name in the project's cache folder: `<sha256>.deb`.
        public var cacheName: String { sha256 + ".deb" }
    }

    /// The package files, per target, by package name.
    public var packages: [VendorTarget: [String: Package]]
    /// For each target and request (as the specs write it), the names of the packages it needs.
    public var needs: [VendorTarget: [String: [String]]]

    /// The lock's path in a project.
    public static let path = "specs/vendor.lock"
    /// The cache folder, relative to the project root.
    public static let cacheFolder = ".pallet/vendor"

    /// Creates a lock from its packages and needs.
    public init(packages: [VendorTarget: [String: Package]] = [:], needs: [VendorTarget: [String: [String]]] = [:]) {
        self.packages = packages
        self.needs = needs
    }

    /// The packages request `request` needs on `target`, or nil when the lock does not resolve it
    /// (or names a package it has no file for).
    public func closure(of request: String, for target: VendorTarget) -> [Package]? {
        guard let names = needs[target]?[request], let files = packages[target] else { return nil }
        var closure: [Package] = []
        for name in names {
            guard let package = files[name] else { return nil }
            closure.append(package)
        }
        return closure
    }

    /// The lock as its file's text: a header, then every line sorted by target, kind and name.
    public var text: String {
        var lines = [
            "# pallet vendor lock: the .deb files that groups with `vendor:` install without a repository,",
            "# resolved by `pallet vendor` from apt's signed repository metadata. Review it; do not edit it.",
            "# The files are in .pallet/vendor/<sha256>.deb (not in git); `pallet pack` carries them.",
        ]
        for target in Set(packages.keys).union(needs.keys).sorted() {
            let prefix = "\(target.release) \(target.architecture)"
            for package in (packages[target] ?? [:]).values.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
                lines.append("\(prefix) deb \(package.name) \(package.version) \(package.architecture) \(package.size) \(package.sha256)")
            }
            for (request, names) in (needs[target] ?? [:]).sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                lines.append("\(prefix) needs \(request) " + names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a lock file's text; each problem is reported at `file:line:column` and its line is
    /// skipped.
    public static func parse(_ text: String, file: String, diagnostics: Diagnostics) -> VendorLock {
        var lock = VendorLock()
        // Where each `needs` line names each package, to report a name without a `deb` line there.
        var named: [(target: VendorTarget, request: String, name: String, at: SourceLocation)] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            func fail(_ word: Int, _ message: String) {
                let column = words.prefix(word).reduce(1) { $0 + $1.count + 1 }
                diagnostics.error(SourceLocation(file: file, line: offset + 1, column: column), message)
            }
            guard words.count >= 4 else {
                fail(0, "a lock line needs at least: release, architecture, kind ('deb' or 'needs') and a name")
                continue
            }
            guard VendorTarget.isRelease(words[0]) else { fail(0, "'\(words[0].debugEscaped)' is not a release such as debian-12"); continue }
            guard VendorTarget.isArchitecture(words[1]) else { fail(1, "'\(words[1].debugEscaped)' is not an architecture such as amd64"); continue }
            let target = VendorTarget(release: words[0], architecture: words[1])
            if let bad = words.firstIndex(where: { $0.isEmpty || !isLockWord($0) }) {
                fail(bad, "unexpected characters in '\(words[bad].debugEscaped)' (single spaces between words, no tabs)")
                continue
            }
            switch words[2] {
            case "deb":
                guard words.count == 8 else { fail(2, "a 'deb' line has: release architecture deb name version architecture size sha256"); continue }
                guard let size = Int(words[6]), size >= 0 else { fail(6, "'\(words[6])' is not a size in bytes"); continue }
                guard words[7].utf8.count == 64, words[7].utf8.allSatisfy(isLowerHex) else { fail(7, "'\(words[7])' is not a SHA-256 in lowercase hex"); continue }
                guard lock.packages[target]?[words[3]] == nil else { fail(3, "package '\(words[3])' is listed twice for \(target)"); continue }
                lock.packages[target, default: [:]][words[3]] = Package(name: words[3], version: words[4], architecture: words[5],
                                                                        size: size, sha256: words[7])
            case "needs":
                guard words.count >= 5 else { fail(3, "a 'needs' line has: release architecture needs request package... (the request's package among them)"); continue }
                guard lock.needs[target]?[words[3]] == nil else { fail(3, "request '\(words[3])' is listed twice for \(target)"); continue }
                lock.needs[target, default: [:]][words[3]] = Array(words[4...])
                for index in 4..<words.count {
                    let column = words.prefix(index).reduce(1) { $0 + $1.count + 1 }
                    named.append((target, words[3], words[index], SourceLocation(file: file, line: offset + 1, column: column)))
                }
            default:
                fail(2, "unknown kind '\(words[2].debugEscaped)'; expected 'deb' or 'needs'")
            }
        }
        for need in named where lock.packages[need.target]?[need.name] == nil {
            diagnostics.error(need.at, "request '\(need.request)' for \(need.target) needs '\(need.name)', which has no 'deb' line")
        }
        return lock
    }

    /// Whether `word` is made of the characters package names, versions and requests use.
    static func isLockWord(_ word: String) -> Bool {
        word.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "+-.:~=_".unicodeScalars.contains(scalar)
        }
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
