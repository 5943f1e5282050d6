import Foundation

/// Every regular file under a folder, by relative path, with its bytes and permission bits: two
/// folders are the same tree byte for byte when their contents are equal.
public struct FolderContents: Equatable, Sendable {
    /// One file's bytes and permission bits.
    public struct File: Equatable, Sendable {
        /// The file's bytes.
        public var bytes: Data
        /// Its permission bits.
        public var mode: Int
    }

    /// The files, by path relative to the folder.
    public var files: [String: File]

    /// Reads every regular file under `directory` (directories themselves are not listed).
    public init(_ directory: String) throws {
        files = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: directory) {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
            files[relative] = File(bytes: try Data(contentsOf: URL(fileURLWithPath: path)), mode: mode)
        }
    }
}
