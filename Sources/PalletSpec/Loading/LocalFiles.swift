import Foundation

/// Reads files that specs name relative to themselves (`source`, `template`, `key-file`), and
/// remembers them for the inputs digest.
///
/// Spec bodies are decoded on all processors, so the record of files read is behind a lock.
public final class LocalFiles: @unchecked Sendable {
    /// The project root.
    let projectRoot: String
    /// The files read so far, by project-relative path; guarded by `lock`.
    private var cache: [String: InputFile] = [:]
    private let lock = NSLock()

    /// The files read so far, by project-relative path.
    public var read: [String: InputFile] {
        lock.withLock { cache }
    }

    /// Creates a reader for the project at `projectRoot`.
    public init(projectRoot: String) {
        self.projectRoot = projectRoot
    }

    /// Reads `path`, relative to the folder of the spec file it was written in.
    ///
    /// The file must be inside the project folder once every symbolic link is resolved: its bytes
    /// go into `out/`, which is committed, so `../../etc/shadow`, an absolute path elsewhere, or a
    /// link in the project pointing out of it is a located error, never a file copied.
    public func load(_ path: Located<String>, diagnostics: Diagnostics) -> InputFile? {
        let base = (path.location.file as NSString).deletingLastPathComponent
        let joined = path.value.hasPrefix("/") ? path.value : (base.isEmpty ? path.value : base + "/" + path.value)
        let relative = (joined as NSString).standardizingPath
        if let cached = lock.withLock({ cache[relative] }) { return cached }
        let full = relative.hasPrefix("/") ? relative : (projectRoot == "." ? relative : projectRoot + "/" + relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
              let resolved = ProjectPath.realPath(full) else {
            diagnostics.error(path.location, "cannot read '\(path.value.debugEscaped)' (looked for \(relative.debugEscaped))")
            return nil
        }
        guard ProjectPath.isInsideProject(resolved, projectRoot: projectRoot) else {
            diagnostics.error(path.location, "'\(path.value.debugEscaped)' is outside the project folder (it resolves to "
                + "\(resolved.debugEscaped)); files copied into out/ must be inside the project, symbolic links resolved")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            diagnostics.error(path.location, "cannot read '\(path.value.debugEscaped)' (looked for \(relative.debugEscaped))")
            return nil
        }
        let file = InputFile(path: relative, bytes: [UInt8](data))
        lock.withLock { cache[relative] = file }
        return file
    }
}
