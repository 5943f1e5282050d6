import Foundation

/// Reads a project's `specs/vendor.lock`, when it has one.
public struct VendorLockLoader {
    /// The project root.
    public let projectRoot: String

    /// Creates a loader for the project at `projectRoot`.
    public init(projectRoot: String) {
        self.projectRoot = projectRoot
    }

    /// The lock and its bytes (for the inputs digest), or nil when the project has none; problems
    /// in it are reported to `diagnostics`.
    public func load(diagnostics: Diagnostics) -> (lock: VendorLock, file: InputFile)? {
        let full = (projectRoot.hasSuffix("/") ? projectRoot : projectRoot + "/") + VendorLock.path
        guard FileManager.default.fileExists(atPath: full) else { return nil }
        guard let data = FileManager.default.contents(atPath: full) else {
            diagnostics.error(SourceLocation(file: VendorLock.path, line: 1, column: 1), "cannot read this file")
            return nil
        }
        let bytes = [UInt8](data)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.error(SourceLocation(file: VendorLock.path, line: 1, column: 1), "this file is not UTF-8 text")
            return nil
        }
        return (VendorLock.parse(text, file: VendorLock.path, diagnostics: diagnostics), InputFile(path: VendorLock.path, bytes: bytes))
    }
}
