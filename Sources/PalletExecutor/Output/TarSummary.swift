import PalletContract

/// A bundle tar of `out/` as a few lines of text, for review: `pallet textconv`, the git diff
/// driver of `out/**/*.tar`, prints it so a pull request shows which members of a bundle changed
/// instead of "Binary files differ".
///
/// One line per member, sorted by the UTF-8 bytes of its path: its path, permission bits, size and
/// SHA-256 (`run.sh  0755  5625 bytes  sha256:…`), or `files/  0755  directory`. The contents are not
/// printed: `pallet plan` expands `run.sh` and `files/` beside each tar in `out/`, and reviewers read
/// them there. `lib.sh` is shown only as its digest, with a note that it is the pallet runtime (the
/// same bytes as `out/lib.sh`), so an upgrade of pallet changes one line per bundle and never shows
/// the runtime's text again. The MANIFEST is not listed (it repeats the members' digests): it is
/// rebuilt from the members with ``BundleContents`` and only a MANIFEST that differs from that is
/// reported. Every path and message goes through ``NodeText``'s escaping, so no control
/// character in an archive reaches the terminal. The same bytes give the same text.
public enum TarSummary {
    /// The first line of every summary of a readable archive.
    public static let header = "# pallet bundle: run.sh and files/ are expanded beside this tar in out/ for review; "
        + "this lists the members (MANIFEST checked, not listed)"

    /// The note after `lib.sh`'s digest.
    public static let runtimeNote = "the pallet runtime, the same bytes as out/lib.sh (not shown)"

    /// The summary of the file `bytes`, one line each, ending in a newline.
    ///
    /// Bytes that are not a readable tar archive give one line naming their size and SHA-256 and
    /// why they could not be read, so `git diff` still shows that the file changed.
    public static func text(of bytes: [UInt8]) -> String {
        lines(of: bytes).map { $0 + "\n" }.joined()
    }

    /// The lines of ``text(of:)``, without newlines.
    public static func lines(of bytes: [UInt8]) -> [String] {
        let entries: [TarEntry]
        do {
            entries = try TarArchive.read(bytes)
        } catch {
            return ["not a readable tar archive (\(NodeText.escape("\(error)"))): \(bytes.count) bytes  sha256:\(SHA256.hexDigest(bytes))"]
        }
        let sorted = entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var lines = [header]
        lines += sorted.filter { $0.path != BundleContents.manifest }.map(line)
        lines += manifestProblem(entries).map { [$0] } ?? []
        if entries.isEmpty { lines.append("(no members)") }
        return lines
    }

    /// The line of one member.
    static func line(_ entry: TarEntry) -> String {
        let path = NodeText.escape(entry.path)
        switch entry.kind {
        case .directory:
            return "\(path)/  \(mode(entry.mode))  directory"
        case .file(let contents) where entry.path == "lib.sh":
            return "\(path)  sha256:\(SHA256.hexDigest(contents))  \(runtimeNote)"
        case .file(let contents):
            return "\(path)  \(mode(entry.mode))  \(contents.count) bytes  sha256:\(SHA256.hexDigest(contents))"
        }
    }

    /// Permission bits as four octal digits, for example `0755`.
    static func mode(_ bits: UInt32) -> String {
        let digits = String(bits, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A line when the archive's MANIFEST is not the one its other members make (as `pallet plan`
    /// writes it), or nil when it is, or when the archive has no MANIFEST.
    static func manifestProblem(_ entries: [TarEntry]) -> String? {
        func contents(_ path: String) -> [UInt8]? {
            guard let entry = entries.first(where: { $0.path == path }), case .file(let bytes) = entry.kind else { return nil }
            return bytes
        }
        guard let manifest = contents(BundleContents.manifest) else { return nil }
        let missing = "MANIFEST  does not list the digests of the members above: this is not a bundle as pallet plan writes it"
        guard let runScript = contents("run.sh"), let library = contents("lib.sh") else { return missing }
        let payloads = entries.compactMap { entry -> BundleFile? in
            guard case .file(let bytes) = entry.kind, ![BundleContents.manifest, "run.sh", "lib.sh"].contains(entry.path) else { return nil }
            return BundleFile(path: entry.path, bytes: bytes)
        }
        let expected = BundleContents.entries(runScript: runScript, library: library, payloads: payloads)
        guard let rebuilt = expected.first(where: { $0.path == BundleContents.manifest }), case .file(let made) = rebuilt.kind else {
            return missing
        }
        return made == manifest ? nil : missing
    }
}
