/// The generated `out/` tree in memory: relative paths to file contents and modes.
public struct OutputTree: Sendable {
    /// One generated file.
    public struct File: Sendable, Equatable {
        /// The file's bytes.
        public var bytes: [UInt8]
        /// The permission bits, such as `0o644`.
        public var mode: UInt32
    }

    /// The files by path relative to `out/`.
    public private(set) var files: [String: File] = [:]

    /// Creates an empty tree.
    public init() {}

    /// Adds or replaces a file.
    public mutating func add(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) {
        files[path] = File(bytes: bytes, mode: mode)
    }

    /// Adds or replaces a text file.
    public mutating func add(_ path: String, text: String, mode: UInt32 = 0o644) {
        add(path, Array(text.utf8), mode: mode)
    }

    /// The paths sorted by their UTF-8 bytes.
    public var sortedPaths: [String] {
        files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
