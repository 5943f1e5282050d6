import Foundation

/// Compares a generated tree with a folder on disk, for `pallet plan --check`.
public enum OutputComparison {
    /// One line per file that differs, as writing the tree would change the folder: `added PATH`
    /// (in the tree, missing from the folder), `removed PATH` (in the folder, not in the tree),
    /// `changed PATH` (other bytes) or `changed PATH (mode)` (same bytes, executable bit differs);
    /// tree paths first, sorted; empty when the folder holds exactly the tree.
    public static func differences(_ tree: OutputTree, against directory: String) -> [String] {
        let manager = FileManager.default
        var onDisk = Set<String>()
        if let enumerator = manager.enumerator(atPath: directory) {
            for case let relative as String in enumerator {
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    onDisk.insert(relative)
                }
            }
        }
        var result: [String] = []
        for path in tree.sortedPaths {
            guard let file = tree.files[path] else { continue }
            guard onDisk.contains(path) else {
                result.append("added \(path)")
                continue
            }
            let full = directory + "/" + path
            if let data = manager.contents(atPath: full), [UInt8](data) != file.bytes {
                result.append("changed \(path)")
            } else if let attributes = try? manager.attributesOfItem(atPath: full),
                      let mode = attributes[.posixPermissions] as? Int, (mode & 0o111 != 0) != (file.mode & 0o111 != 0) {
                result.append("changed \(path) (mode)")
            }
        }
        for path in onDisk.subtracting(tree.files.keys).sorted() {
            result.append("removed \(path)")
        }
        return result
    }
}
