import PalletSpec

/// The digest of every input file, which `plan.json` records so a stale `out/` is detected.
///
/// For each file in path order it hashes the path's UTF-8 bytes, a NUL, the byte count in
/// decimal, a NUL, and the bytes.
public enum InputsDigest {
    /// The method's name as written in `plan.json`.
    public static let method = "sha256(path NUL size NUL bytes, files sorted by path)"

    /// The digest as `sha256:<hex>`.
    public static func digest(of inputs: [InputFile]) -> String {
        var hasher = SHA256()
        for input in inputs.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
            var header: [UInt8] = Array(input.path.utf8)
            header.append(0)
            header.append(contentsOf: String(input.bytes.count).utf8)
            header.append(0)
            hasher.update(header)
            hasher.update(input.bytes)
        }
        let hex = hasher.finalize().map { byte -> String in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }
        return "sha256:" + hex.joined()
    }
}
