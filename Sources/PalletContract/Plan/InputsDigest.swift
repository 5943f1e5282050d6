/// The digest of every input file, which `plan.json` records so a stale `out/` is detected.
///
/// For each file in path order it hashes the path's UTF-8 bytes, a NUL, the byte count in
/// decimal, a NUL, and the bytes.
public enum InputsDigest {
    /// The method's name as written in `plan.json`.
    public static let method = "sha256(path NUL size NUL bytes, files sorted by path)"

    /// Returns the digest, as `sha256:<hex>`, of `files`: each a project-relative path and its bytes.
    public static func digest(of files: [(path: String, bytes: [UInt8])]) -> String {
        var hasher = SHA256()
        for file in files.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
            var header: [UInt8] = Array(file.path.utf8)
            header.append(0)
            header.append(contentsOf: String(file.bytes.count).utf8)
            header.append(0)
            hasher.update(header)
            hasher.update(file.bytes)
        }
        return "sha256:" + Hex.encode(hasher.finalize())
    }
}
