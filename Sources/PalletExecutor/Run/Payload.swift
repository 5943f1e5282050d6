import PalletContract

/// The tar stream sent on ssh's standard input: the bundle's files (under `b/`), the node's facts and the secrets.
enum Payload {
    /// Builds the stream for `target` from the bundle's `files` (as read from its tar), with the
    /// vendored `.deb` files `debs` (by SHA-256) the node lacks, under `debs/` beside `b/`: they are
    /// not part of the reviewed bundle, and the node checks each against the bundle's vendor.list.
    static func make(files: [TarEntry], target: Target, check: Bool, secrets: [String: [UInt8]], debs: [String: [UInt8]] = [:]) throws -> [UInt8] {
        var environment = ""
        for (name, value) in [
            ("PALLET_NODE_NAME", target.name), ("PALLET_NODE_INDEX", String(target.index)),
            ("PALLET_NODE_ADDRESS", target.address), ("PALLET_CHECK", check ? "1" : "0"),
        ] {
            environment += "export \(name)=\(ShellQuoting.quote(value))\n"
        }
        // The bundle's files go under b/, so the node unpacks one tar, not a tar inside a tar; the
        // bundle was checked against plan.json, and lib.sh checks its MANIFEST before any step.
        var entries = files.map { entry in
            TarEntry(path: "b/" + entry.path, kind: entry.kind, mode: entry.mode)
        }
        entries += [
            TarEntry(path: "env", kind: .file(Array(environment.utf8)), mode: 0o600),
            TarEntry(path: "secrets", kind: .directory, mode: 0o700),
        ]
        for (id, value) in secrets.sorted(by: { $0.key < $1.key }) {
            entries.append(TarEntry(path: "secrets/" + id, kind: .file(value), mode: 0o600))
        }
        if !debs.isEmpty { entries.append(TarEntry(path: "debs", kind: .directory, mode: 0o700)) }
        for (sha, bytes) in debs.sorted(by: { $0.key < $1.key }) {
            entries.append(TarEntry(path: "debs/\(sha).deb", kind: .file(bytes), mode: 0o600))
        }
        return try TarArchive.make(entries)
    }
}
