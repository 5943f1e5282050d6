/// Packs an emitted bundle into its reproducible tar, with a MANIFEST of SHA-256 checksums that
/// the runtime verifies before the first step.
public struct BundlePacker {
    /// Creates a packer.
    public init() {}

    /// The SHA-256 of the runtime library, computed once per process.
    static let runtimeDigest = SHA256.hexDigest(Array(RuntimeLibrary.source.utf8))

    /// The files of the bundle as they appear in the archive, MANIFEST included.
    public func entries(of bundle: EmittedBundle) -> [TarEntry] {
        var files: [(path: String, bytes: [UInt8], mode: UInt32)] = [
            ("run.sh", Array(bundle.runScript.utf8), 0o755),
            ("lib.sh", Array(RuntimeLibrary.source.utf8), 0o644),
        ]
        files += bundle.payloads.map { ($0.path, $0.bytes, 0o644) }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let manifest = files.map { file in
            // lib.sh is the same in every bundle: hash it once.
            let digest = file.path == "lib.sh" ? Self.runtimeDigest : SHA256.hexDigest(file.bytes)
            return "\(digest)  \(file.path)\n"
        }.joined()
        var entries = files.map { TarEntry(path: $0.path, kind: .file($0.bytes), mode: $0.mode) }
        entries.append(TarEntry(path: "MANIFEST", kind: .file(Array(manifest.utf8)), mode: 0o644))
        return entries
    }

    /// The bundle's tar archive.
    public func pack(_ bundle: EmittedBundle) throws -> [UInt8] {
        try TarArchive.make(entries(of: bundle))
    }
}
