/// A file of a bundle other than `run.sh`, `lib.sh` and `MANIFEST`: step payloads.
public struct BundleFile: Sendable, Equatable {
    /// The path inside the bundle, such as `files/2-motd`.
    public var path: String
    /// The file's bytes.
    public var bytes: [UInt8]

    /// Creates a bundle file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}
