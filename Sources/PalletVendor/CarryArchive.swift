import Foundation
import PalletContract
import PalletSpec

/// The one file to carry across an air gap: a reproducible tar of what `pallet apply` needs on
/// a control host with no network, and nothing else.
///
/// It holds, under one top folder: `specs/` (so apply can check that `out/` is what they compile
/// to), `out/`, `.pallet/known_hosts` when the project has one (the host keys already trusted),
/// and the cache file of every package `specs/vendor.lock` lists, each checked against its SHA-256
/// before it is packed. Run logs, ssh sockets, secrets and keys are never in it: secrets are read
/// at apply time on the air-gapped host, from its environment or files.
public struct CarryArchive {
    /// The project root.
    public let projectRoot: String

    /// Creates a packer for the project at `projectRoot`.
    public init(projectRoot: String) {
        self.projectRoot = projectRoot
    }

    /// What went into an archive.
    public struct Summary: Sendable {
        /// The archive's bytes.
        public var bytes: [UInt8]
        /// The number of files in it.
        public var files: Int
        /// The number of vendored package files in it.
        public var packages: Int
    }

    /// Builds the archive with every path under `top`.
    ///
    /// - Throws: ``CarryError`` naming the file when a project file is not a regular file, a
    ///   vendored package's cache file is missing or altered, or `out/` is missing.
    public func build(top: String, lock: VendorLock?) throws -> Summary {
        var entries: [TarEntry] = []
        for folder in ["specs", "out"] {
            let files = try regularFiles(under: folder)
            if folder == "out" && !files.contains("out/plan.json") {
                throw CarryError("\(projectRoot)/out/plan.json is missing: run 'pallet plan' first")
            }
            for path in files { entries.append(try entry(path, top: top)) }
        }
        if FileManager.default.fileExists(atPath: projectRoot + "/.pallet/known_hosts") {
            entries.append(try entry(".pallet/known_hosts", top: top))
        }
        var packages = 0
        for (target, files) in (lock?.packages ?? [:]).sorted(by: { $0.key < $1.key }) {
            for package in files.values.sorted(by: { $0.sha256 < $1.sha256 }) {
                let path = VendorLock.cacheFolder + "/" + package.cacheName
                guard !entries.contains(where: { $0.path == top + "/" + path }) else { continue }
                // The cache's own rule: a link (even to the right bytes) is not the file.
                let cached = VendorCache(projectRoot: projectRoot).path(of: package)
                if VendorCache.exists(cached) && !VendorCache.isRegularFile(cached) {
                    throw CarryError("\(path) (\(package.name) \(package.version), \(target)) is not a regular file: run 'pallet vendor' again")
                }
                let bytes = try read(path, missing: "\(path) (\(package.name) \(package.version), \(target)) is missing: run 'pallet vendor'")
                guard SHA256.hexDigest(bytes) == package.sha256 else {
                    throw CarryError("\(path) (\(package.name) \(package.version), \(target)) does not match its SHA-256 in \(VendorLock.path): run 'pallet vendor' again")
                }
                entries.append(TarEntry(path: top + "/" + path, kind: .file(bytes), mode: 0o644))
                packages += 1
            }
        }
        return Summary(bytes: try TarArchive.make(entries), files: entries.count, packages: packages)
    }

    /// The project-relative paths of the regular files under `folder`, sorted; a symbolic link or
    /// any other kind of file is an error.
    func regularFiles(under folder: String) throws -> [String] {
        let root = projectRoot + "/" + folder
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if type == .typeDirectory { continue }
            guard type == .typeRegular else {
                throw CarryError("\(folder)/\(relative) is not a regular file (a symbolic link?); pallet pack carries regular files only")
            }
            paths.append(folder + "/" + relative)
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The tar entry of a project file: its bytes, mode 0755 when its owner may run it, else 0644.
    func entry(_ path: String, top: String) throws -> TarEntry {
        let bytes = try read(path, missing: "cannot read \(path)")
        let permissions = (try? FileManager.default.attributesOfItem(atPath: projectRoot + "/" + path)[.posixPermissions] as? Int) ?? 0o644
        return TarEntry(path: top + "/" + path, kind: .file(bytes), mode: permissions & 0o100 != 0 ? 0o755 : 0o644)
    }

    func read(_ path: String, missing: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: projectRoot + "/" + path) else { throw CarryError(missing) }
        return [UInt8](data)
    }
}
