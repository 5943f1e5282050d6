import Foundation
import PalletSpec
internal import CSystemShims
import PalletContract

/// Writes an ``OutputTree`` to disk, replacing the old `out/` in one atomic step or not at all.
///
/// The tree is written to a fresh sibling folder first; then the two folders are swapped with
/// `renameat2(RENAME_EXCHANGE)`, so a reader sees either the whole old tree or the whole new one.
public struct OutputWriter {
    /// Errors while writing.
    public struct WriteError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The folder to replace, such as `out`.
    public let directory: String

    /// Creates a writer for `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Replaces `directory` with `tree`.
    public func replace(with tree: OutputTree) throws {
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let staging = try makeStagingDirectory(parent: parent, name: name)
        do {
            try write(tree, into: staging, reusing: isDirectory(target) ? target : nil)
            try swapIn(staging, at: target)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    func makeStagingDirectory(parent: String, name: String) throws -> String {
        guard let path = PrivateFolder.create(in: parent, prefix: ".\(name).pallet-new.") else {
            throw WriteError(description: "cannot create a staging folder in \(parent): \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o755)
        return path
    }

    func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes the tree's files under `root`.
    ///
    /// A file whose bytes and mode equal those of the same path in `previous` (the tree being
    /// replaced) is hard-linked from there instead of written: no new inode, no data written, and
    /// its modification time shows it did not change. When linking fails (another owner, another
    /// file system) the file is written. Folders are made first, in order; then the files are
    /// written on all processors, each being its own inode.
    func write(_ tree: OutputTree, into root: String, reusing previous: String? = nil) throws {
        // Plain POSIX calls: one open/write/fchmod per file and one mkdir per folder, with modes
        // set explicitly so the umask never matters.
        let paths = tree.sortedPaths
        var folders = Set<String>()
        for path in paths {
            var folder = ""
            for component in path.split(separator: "/").dropLast() {
                folder += (folder.isEmpty ? "" : "/") + component
                if folders.insert(folder).inserted {
                    let full = root + "/" + folder
                    guard mkdir(full, 0o755) == 0 || errno == EEXIST, chmod(full, 0o755) == 0 else {
                        throw WriteError(description: "cannot create \(full): \(String(cString: strerror(errno)))")
                    }
                }
            }
        }
        _ = try paths.concurrentMap { path in
            guard let file = tree.files[path] else { return }
            try Self.writeFile(file, at: root + "/" + path, reusing: previous.map { $0 + "/" + path })
        }
    }

    /// Writes one file at `full`, or hard-links `previous` when it holds the same bytes and mode.
    static func writeFile(_ file: OutputTree.File, at full: String, reusing previous: String?) throws {
        if let previous, UnchangedFile.matches(previous, file), link(previous, full) == 0 {
            return
        }
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(file.mode))
        guard fd >= 0 else { throw WriteError(description: "cannot write \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        try file.bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(description: "cannot write \(full): \(String(cString: strerror(errno)))")
                }
                written += count
            }
        }
        guard fchmod(fd, mode_t(file.mode)) == 0 else {
            throw WriteError(description: "cannot set the mode of \(full): \(String(cString: strerror(errno)))")
        }
    }

    func swapIn(_ staging: String, at target: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            guard rename(staging, target) == 0 else {
                throw WriteError(description: "cannot move the new tree into \(target): \(String(cString: strerror(errno)))")
            }
            return
        }
        guard isDirectory.boolValue else { throw WriteError(description: "\(target) exists and is not a folder") }
        guard pallet_rename_exchange(staging, target) == 0 else {
            throw WriteError(description: "cannot swap the new tree into \(target): \(String(cString: strerror(errno)))")
        }
        // `staging` now holds the old tree.
        try Self.removeTree(staging)
    }

    /// Removes the folder `path` and everything in it, its second-level entries (such as
    /// `groups/<group>`) on all processors.
    static func removeTree(_ path: String) throws {
        let manager = FileManager.default
        var entries: [String] = []
        for child in try manager.contentsOfDirectory(atPath: path) {
            let full = path + "/" + child
            var info = stat()
            if lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                entries += try manager.contentsOfDirectory(atPath: full).map { full + "/" + $0 }
            }
        }
        _ = try entries.concurrentMap { try FileManager.default.removeItem(atPath: $0) }
        try manager.removeItem(atPath: path)
    }
}
