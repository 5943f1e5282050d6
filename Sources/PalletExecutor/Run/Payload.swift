import PalletCompiler

/// The tar stream sent on ssh's standard input: the bundle, the node's facts and the secrets.
enum Payload {
    /// Builds the stream for `target`.
    static func make(bundle: [UInt8], target: Target, check: Bool, secrets: [String: [UInt8]]) throws -> [UInt8] {
        var environment = ""
        for (name, value) in [
            ("PALLET_NODE_NAME", target.name), ("PALLET_NODE_INDEX", String(target.index)),
            ("PALLET_NODE_ADDRESS", target.address), ("PALLET_CHECK", check ? "1" : "0"),
        ] {
            environment += "export \(name)=\(ShellQuoting.quote(value))\n"
        }
        var entries = [
            TarEntry(path: "bundle.tar", kind: .file(bundle), mode: 0o600),
            TarEntry(path: "env", kind: .file(Array(environment.utf8)), mode: 0o600),
            TarEntry(path: "secrets", kind: .directory, mode: 0o700),
        ]
        for (id, value) in secrets.sorted(by: { $0.key < $1.key }) {
            entries.append(TarEntry(path: "secrets/" + id, kind: .file(value), mode: 0o600))
        }
        return try TarArchive.make(entries)
    }
}
