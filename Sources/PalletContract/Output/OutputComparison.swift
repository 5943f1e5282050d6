import Foundation

/// Compares a generated tree with a folder on disk, for `pallet plan --check`.
public enum OutputComparison {
    /// One line per difference: `added PATH`, `removed PATH`, `changed PATH` or `mode PATH`;
    /// empty when the folder holds exactly the tree.
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
                result.append("missing \(path)")
                continue
            }
            let full = directory + "/" + path
            if let data = manager.contents(atPath: full), [UInt8](data) != file.bytes {
                result.append("changed \(path)")
            } else if let attributes = try? manager.attributesOfItem(atPath: full),
                      let mode = attributes[.posixPermissions] as? Int, (mode & 0o111 != 0) != (file.mode & 0o111 != 0) {
                result.append("mode \(path)")
            }
        }
        for path in onDisk.subtracting(tree.files.keys).sorted() {
            result.append("extra \(path)")
        }
        return result
    }
}
