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
    public func load(_ path: Located<String>, diagnostics: Diagnostics) -> InputFile? {
        let base = (path.location.file as NSString).deletingLastPathComponent
        let joined = path.value.hasPrefix("/") ? path.value : (base.isEmpty ? path.value : base + "/" + path.value)
        let relative = (joined as NSString).standardizingPath
        if let cached = lock.withLock({ cache[relative] }) { return cached }
        let full = relative.hasPrefix("/") ? relative : (projectRoot == "." ? relative : projectRoot + "/" + relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: full) else {
            diagnostics.error(path.location, "cannot read '\(path.value.debugEscaped)' (looked for \(relative))")
            return nil
        }
        let file = InputFile(path: relative, bytes: [UInt8](data))
        lock.withLock { cache[relative] = file }
        return file
    }
}
