/// The files of a bundle's tar: `run.sh`, `lib.sh`, the payload files and the MANIFEST of their
/// SHA-256 checksums that the runtime verifies before the first step.
///
/// `pallet plan` packs these entries, and `pallet apply` rebuilds them from the reviewed files of
/// `out/` to check a bundle's tar against them.
public enum BundleContents {
    /// The name of the checksum list inside a bundle.
    public static let manifest = "MANIFEST"

    /// Returns the entries of a bundle made of `runScript` (`run.sh`, mode 0755), `library`
    /// (`lib.sh`) and `payloads` (mode 0644), sorted by path, followed by the MANIFEST.
    ///
    /// `libraryDigest` is the SHA-256 of `library` in hexadecimal when the caller already knows
    /// it (the runtime is the same in every bundle); it is computed when nil.
    public static func entries(runScript: [UInt8], library: [UInt8], payloads: [BundleFile], libraryDigest: String? = nil) -> [TarEntry] {
        var files: [(path: String, bytes: [UInt8], mode: UInt32)] = [
            ("run.sh", runScript, 0o755),
            ("lib.sh", library, 0o644),
        ]
        files += payloads.map { ($0.path, $0.bytes, 0o644) }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let libraryDigest = libraryDigest ?? SHA256.hexDigest(library)
        let manifestText = files.map { file in
            let digest = file.path == "lib.sh" ? libraryDigest : SHA256.hexDigest(file.bytes)
            return "\(digest)  \(file.path)\n"
        }.joined()
        var entries = files.map { TarEntry(path: $0.path, kind: .file($0.bytes), mode: $0.mode) }
        entries.append(TarEntry(path: manifest, kind: .file(Array(manifestText.utf8)), mode: 0o644))
        return entries
    }
}
