import Foundation
internal import CSystemShims

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
            try write(tree, into: staging)
            try swapIn(staging, at: target)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    func makeStagingDirectory(parent: String, name: String) throws -> String {
        var template = Array("\(parent)/.\(name).pallet-new.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw WriteError(description: "cannot create a staging folder in \(parent): \(String(cString: strerror(errno)))") }
        let path = template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
        chmod(path, 0o755)
        return path
    }

    func write(_ tree: OutputTree, into root: String) throws {
        let manager = FileManager.default
        for path in tree.sortedPaths {
            guard let file = tree.files[path] else { continue }
            let full = root + "/" + path
            let folder = (full as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            guard manager.createFile(atPath: full, contents: Data(file.bytes)) else {
                throw WriteError(description: "cannot write \(full)")
            }
            guard chmod(full, mode_t(file.mode)) == 0 else {
                throw WriteError(description: "cannot set the mode of \(full): \(String(cString: strerror(errno)))")
            }
        }
        // Folders get a fixed mode whatever the umask.
        if let enumerator = manager.enumerator(atPath: root) {
            for case let relative as String in enumerator {
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), isDirectory.boolValue {
                    chmod(root + "/" + relative, 0o755)
                }
            }
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
        try FileManager.default.removeItem(atPath: staging)
    }
}
