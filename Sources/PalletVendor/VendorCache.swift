import Foundation
import Glibc
import PalletContract
import PalletSpec

/// The project's content-addressed cache of package files, `.pallet/vendor/<sha256>.deb`.
public struct VendorCache: Sendable {
    /// The project root.
    public let projectRoot: String

    /// Creates the cache of the project at `projectRoot`.
    public init(projectRoot: String) {
        self.projectRoot = projectRoot
    }

    /// The cache folder.
    public var folder: String { (projectRoot.hasSuffix("/") ? projectRoot : projectRoot + "/") + VendorLock.cacheFolder }

    /// The path of `package`'s file: `<cache>/<sha256>.deb`.
    public func path(of package: VendorLock.Package) -> String { "\(folder)/\(package.cacheName)" }

    /// The SHA-256 (lowercase hex) and size of the file at `path`, or nil when it cannot be read.
    public static func digest(ofFileAt path: String) -> (sha256: String, size: Int)? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (SHA256.hexDigest(data), data.count)
    }

    /// What is wrong with `package`'s file in the cache, or nil when it is there with the lock's
    /// size and SHA-256.
    public func problem(with package: VendorLock.Package) -> String? {
        let path = path(of: package)
        let label = "\(VendorLock.cacheFolder)/\(package.cacheName) (\(package.name) \(package.version))"
        guard Self.exists(path) else { return "\(label) is missing" }
        guard Self.isRegularFile(path) else { return "\(label) is not a regular file" }
        guard let found = Self.digest(ofFileAt: path) else { return "\(label) cannot be read" }
        guard found.sha256 == package.sha256, found.size == package.size else {
            return "\(label) does not match the lock: its SHA-256 is \(found.sha256), \(found.size) bytes"
        }
        return nil
    }

    /// Whether anything (even a dangling link) is at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Whether `path` is a regular file itself, not a link to one.
    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Stores the file at `source` (its SHA-256 `sha256`) as `<sha256>.deb`: written to a
    /// temporary name in the cache folder, mode 0644, then renamed into place. A regular file
    /// already there with that digest is kept; anything else there (a link, other bytes) is replaced.
    ///
    /// - Returns: Whether the file was new to the cache.
    @discardableResult
    public func store(fileAt source: String, sha256: String) throws -> Bool {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let destination = "\(folder)/\(sha256).deb"
        if Self.isRegularFile(destination), Self.digest(ofFileAt: destination)?.sha256 == sha256 { return false }
        guard let bytes = FileManager.default.contents(atPath: source) else { throw VendorError("cannot read \(source)") }
        guard SHA256.hexDigest(bytes) == sha256 else { throw VendorError("\(source) changed while it was being stored") }
        try Self.writeAtomically(bytes, to: destination)
        return true
    }

    /// Writes `bytes` to `path` in one step: a new temporary file in the same folder (mode 0644,
    /// flushed), renamed over `path`.
    public static func writeAtomically(_ bytes: some Collection<UInt8>, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var template = Array("\(folder.isEmpty ? "." : folder)/.pallet-tmp.XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else { throw VendorError("cannot create a temporary file in \(folder): \(String(cString: strerror(errno)))") }
        let temporary = template.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { String(cString: $0) } ?? "" }
        let data = Data(bytes)
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        let synced = written && fchmod(descriptor, 0o644) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw VendorError("cannot write \(path): \(reason)")
        }
    }
}
