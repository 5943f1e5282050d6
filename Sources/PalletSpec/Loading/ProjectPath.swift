import Foundation

/// Where a file that specs name really is, checked against the project folder: a file whose bytes
/// go into `out/` (which is committed) must be inside the project once every symbolic link is
/// resolved.
enum ProjectPath {
    /// `path` with every symbolic link, `.` and `..` resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` is `root` or inside it, comparing bytes (never canonically equivalent
    /// characters).
    static func isInside(_ path: String, _ root: String) -> Bool {
        let folder = root.utf8.last == UInt8(ascii: "/") ? Array(root.utf8) : Array(root.utf8) + [UInt8(ascii: "/")]
        return path.utf8.elementsEqual(root.utf8) || path.utf8.starts(with: folder)
    }

    /// Whether `resolved`, a path with its links resolved (see ``realPath(_:)``), is inside the
    /// project folder `projectRoot` once that folder's own links are resolved too.
    static func isInsideProject(_ resolved: String, projectRoot: String) -> Bool {
        guard let root = realPath(projectRoot) else { return false }
        return isInside(resolved, root)
    }
}
