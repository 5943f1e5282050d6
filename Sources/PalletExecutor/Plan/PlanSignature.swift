import Foundation
import PalletContract

/// The signature of a reviewed `out/`: `pallet plan --sign KEY` writes it, and
/// `pallet apply --require-signature ALLOWED_SIGNERS` refuses an `out/` it does not cover.
///
/// What is signed is `out/SIGNED`: one line `<sha256>  <path>` (the format of `sha256sum`) for
/// every other file of `out/`, sorted by the paths' UTF-8 bytes. It is made from the files alone,
/// so anyone can rebuild it from `out/` and compare; `out/SIGNED.sig` is its `ssh-keygen -Y sign`
/// signature in the `pallet-plan` namespace. Both are part of the tree that `pallet plan` writes
/// in one atomic step, so re-planning without `--sign` removes them: a signature never outlives
/// the files it was made for.
public enum PlanSignature {
    /// The file that lists every other file of `out/` with its SHA-256.
    public static let listingFile = "SIGNED"
    /// The signature of the listing.
    public static let signatureFile = "SIGNED.sig"
    /// The `ssh-keygen -Y` namespace of plan signatures.
    public static let namespace = "pallet-plan"

    /// Errors signing or checking a signature.
    public struct SignatureError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Whether `path` (relative to `out/`) is one of the signature's own files.
    public static func isSignatureFile(_ path: String) -> Bool {
        path == listingFile || path == signatureFile
    }

    /// The listing of `files` (paths relative to `out/` and their bytes), the signature's own files left out.
    public static func listing(_ files: [(path: String, bytes: [UInt8])]) -> [UInt8] {
        let lines = files.filter { !isSignatureFile($0.path) }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            .map { "\(SHA256.hexDigest($0.bytes))  \($0.path)\n" }
        return Array(lines.joined().utf8)
    }

    /// The listing of a generated tree.
    public static func listing(of tree: OutputTree) -> [UInt8] {
        listing(tree.sortedPaths.compactMap { path in tree.files[path].map { (path, $0.bytes) } })
    }

    /// The listing of the files in `directory` as they are on disk.
    ///
    /// - Throws: ``ReviewedFiles/ReadError`` when a file cannot be read, or an entry is neither a regular
    ///   file nor a folder (a symbolic link, say), or a path holds a line break.
    public static func listing(ofDirectory directory: String) throws -> [UInt8] {
        try listing(ReviewedFiles.all(in: directory))
    }

    /// `tree` with `SIGNED` and `SIGNED.sig` added, signed with the private key `key` (or the
    /// public key of a key held by ssh-agent) by `ssh-keygen -Y sign`.
    public static func sign(_ tree: OutputTree, key: String) throws -> OutputTree {
        let listing = listing(of: tree)
        let folder = try SSHKeygen.privateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let message = folder + "/" + listingFile
        try Data(listing).write(to: URL(fileURLWithPath: message))
        let result = try SSHKeygen.run(["-Y", "sign", "-f", key, "-n", namespace, message], input: nil)
        guard result.status == 0, let signature = FileManager.default.contents(atPath: message + ".sig") else {
            throw SignatureError(description: "ssh-keygen could not sign out/ with \(key): \(result.error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var signed = tree
        signed.add(listingFile, listing)
        signed.add(signatureFile, [UInt8](signature))
        return signed
    }

    /// What a good signature vouches for.
    public struct Verified: Sendable {
        /// The signer's principal, as `allowed_signers` names it.
        public var principal: String
        /// The signed SHA-256 of every file of `out/`, by path relative to it: ``LoadedPlan``
        /// checks the bytes it reads later against them, so a file swapped after the check is refused.
        public var digests: [String: String]
    }

    /// Checks that `directory` is exactly what a key of `allowedSigners` signed.
    ///
    /// - Throws: ``SignatureError`` naming what is wrong: no signature, a file added, removed or
    ///   changed since signing, or a signature by a key `allowedSigners` does not list; the error
    ///   of ``listing(ofDirectory:)`` when a file of `directory` cannot be read as a reviewed file.
    public static func verify(directory: String, allowedSigners: String) throws -> Verified {
        let listingPath = directory + "/" + listingFile
        let signaturePath = directory + "/" + signatureFile
        guard let signed = FileManager.default.contents(atPath: listingPath),
              FileManager.default.fileExists(atPath: signaturePath) else {
            throw SignatureError(description: "\(directory)/ is not signed (no \(listingFile) and \(signatureFile)): "
                + "a reviewer signs it with 'pallet plan --sign KEY'")
        }
        guard FileManager.default.isReadableFile(atPath: allowedSigners) else {
            throw SignatureError(description: "cannot read the allowed signers file \(allowedSigners)")
        }
        let actual = try listing(ofDirectory: directory)
        guard [UInt8](signed) == actual else {
            let changed = differences(signed: [UInt8](signed), actual: actual)
            throw SignatureError(description: "\(directory)/ differs from what was signed: " + changed.prefix(10).joined(separator: ", ")
                + (changed.count > 10 ? " and \(changed.count - 10) more" : ""))
        }
        let principals = try SSHKeygen.run(["-Y", "find-principals", "-s", signaturePath, "-f", allowedSigners], input: nil)
        guard principals.status == 0, let principal = principals.output.split(separator: "\n").first.map(String.init), !principal.isEmpty else {
            throw SignatureError(description: "\(signaturePath) was not made by a key listed in \(allowedSigners)")
        }
        let verified = try SSHKeygen.run(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", namespace, "-s", signaturePath], input: actual)
        guard verified.status == 0 else {
            throw SignatureError(description: "\(signaturePath) does not verify against \(allowedSigners): "
                + verified.error.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return Verified(principal: principal, digests: digests(actual))
    }

    /// The digests of a listing, by path.
    static func digests(_ listing: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for line in String(decoding: listing, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            if parts.count == 3 { result[String(parts[2])] = String(parts[0]) }
        }
        return result
    }

    /// The paths that differ between a signed listing and the one of the files now.
    static func differences(signed: [UInt8], actual: [UInt8]) -> [String] {
        let before = digests(signed)
        let now = digests(actual)
        var result: [String] = []
        for path in Set(before.keys).union(now.keys).sorted() {
            switch (before[path], now[path]) {
            case (nil, _): result.append("\(path) added")
            case (_, nil): result.append("\(path) removed")
            case let (old?, new?) where old != new: result.append("\(path) changed")
            default: break
            }
        }
        return result.isEmpty ? ["\(listingFile) itself was edited"] : result
    }
}
