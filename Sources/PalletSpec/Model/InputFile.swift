/// A file the compiler read, kept for the inputs digest and for embedding.
public struct InputFile: Sendable {
    /// The path relative to the project root, with `/` separators.
    public var path: String
    /// The file's bytes.
    public var bytes: [UInt8]

    /// Creates an input file record.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}
