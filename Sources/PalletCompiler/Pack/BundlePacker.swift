import PalletContract

/// Packs an emitted bundle into its reproducible tar (see ``BundleContents``), with the runtime
/// library of this pallet as `lib.sh`.
public struct BundlePacker {
    /// Creates a packer.
    public init() {}

    /// The SHA-256 of the runtime library, computed once per process.
    static let runtimeDigest = SHA256.hexDigest(runtimeBytes)
    /// The runtime library's bytes.
    static let runtimeBytes = Array(RuntimeLibrary.source.utf8)

    /// Returns the files of the bundle as they appear in the archive, MANIFEST included.
    public func entries(of bundle: EmittedBundle) -> [TarEntry] {
        BundleContents.entries(runScript: Array(bundle.runScript.utf8), library: Self.runtimeBytes, payloads: bundle.payloads,
                               libraryDigest: Self.runtimeDigest)
    }

    /// Returns the bundle's tar archive.
    public func pack(_ bundle: EmittedBundle) throws -> [UInt8] {
        try TarArchive.make(entries(of: bundle))
    }
}
