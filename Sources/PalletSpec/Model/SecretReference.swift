/// A secret named in the specs and resolved on the control host at apply time.
public struct SecretReference: Sendable, Hashable {
    /// Where the secret's value is read from.
    public enum Source: Sendable, Hashable {
        /// An environment variable of the `pallet apply` process.
        case environment(String)
        /// A file on the control host.
        case file(String)
    }

    /// Where the value is read from.
    public var source: Source
    /// Where the reference was written.
    public var location: SourceLocation

    /// Creates a reference.
    public init(source: Source, location: SourceLocation) {
        self.source = source
        self.location = location
    }

    /// A stable identifier, safe as a file name, under which the executor delivers the value.
    public var identifier: String {
        switch source {
        case .environment(let name): return "env-\(name)"
        case .file(let path):
            let safe = path.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? String($0) : "_" }
            return "file-" + safe.joined()
        }
    }
}
