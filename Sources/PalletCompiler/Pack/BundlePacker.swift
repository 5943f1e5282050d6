/// Packs an emitted bundle into its reproducible tar, with a MANIFEST of SHA-256 checksums that
/// the runtime verifies before the first step.
public struct BundlePacker {
    /// Creates a packer.
    public init() {}

    /// The SHA-256 of the runtime library, computed once per process.
    static let runtimeDigest = SHA256.hexDigest(runtimeBytes)
    /// The runtime library's bytes.
    static let runtimeBytes = Array(RuntimeLibrary.source.utf8)

    /// The files of the bundle as they appear in the archive, MANIFEST included.
    public func entries(of bundle: EmittedBundle) -> [TarEntry] {
        entries(runScript: Array(bundle.runScript.utf8), library: Self.runtimeBytes, payloads: bundle.payloads)
    }

    /// The files of a bundle made of `runScript` (`run.sh`), `library` (`lib.sh`) and `payloads`,
    /// as they appear in its archive, MANIFEST included: what `pallet apply` rebuilds from the
    /// reviewed files of `out/` to check a bundle's tar against them.
    public func entries(runScript: [UInt8], library: [UInt8], payloads: [BundleFile]) -> [TarEntry] {
        var files: [(path: String, bytes: [UInt8], mode: UInt32)] = [
            ("run.sh", runScript, 0o755),
            ("lib.sh", library, 0o644),
        ]
        files += payloads.map { ($0.path, $0.bytes, 0o644) }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        // lib.sh is the same in every bundle: hash it once when it is the runtime of this pallet.
        let libraryDigest = library == Self.runtimeBytes ? Self.runtimeDigest : SHA256.hexDigest(library)
        let manifest = files.map { file in
            let digest = file.path == "lib.sh" ? libraryDigest : SHA256.hexDigest(file.bytes)
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
