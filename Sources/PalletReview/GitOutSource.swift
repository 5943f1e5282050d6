import PalletContract
import Subprocess

/// The `out/` folder of the project as committed in a git revision, read with the system `git`
/// (`git cat-file --batch`: one process for any number of files).
public struct GitOutSource: OutSource {
    /// The project folder (inside a git work tree).
    public let project: String
    /// The revision as the user gave it, such as `main` or `HEAD~1`.
    public let revision: String
    /// The full commit id the revision names.
    public let commit: String
    /// The project folder's path from the top of the work tree, such as `infra/` or empty.
    public let prefix: String

    /// How the revision is named in the summary, such as `` `main` (3f2c1a9) ``.
    public var label: String { "`\(MarkdownText.cell(revision))` (\(commit.prefix(7)))" }

    /// The most a base's files may take together.
    static let outputLimit = 1 << 30

    /// Finds `revision` in the git repository holding `project`.
    ///
    /// - Throws: ``ReviewError`` when `project` is not in a git work tree or `revision` names no commit.
    public static func resolve(revision: String, project: String) async throws -> GitOutSource {
        guard !revision.isEmpty, !revision.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ReviewError("'\(ShellQuoting.commentText(revision))' is not a folder or a git revision")
        }
        let top = try await git(["rev-parse", "--show-prefix"], in: project)
        guard top.status == 0 else {
            throw ReviewError("'\(ShellQuoting.commentText(revision))' is not a folder, and \(ShellQuoting.commentText(project)) is not in a git work tree to look it up in")
        }
        let commit = try await git(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"], in: project)
        let id = commit.text.trimmingSuffixNewline
        guard commit.status == 0, id.utf8.count == 40 || id.utf8.count == 64, id.utf8.allSatisfy(Self.isHex) else {
            throw ReviewError("'\(ShellQuoting.commentText(revision))' is neither a folder nor a revision of the git repository of \(ShellQuoting.commentText(project))")
        }
        return GitOutSource(project: project, revision: revision, commit: id, prefix: top.text.trimmingSuffixNewline)
    }

    /// The bytes of each path of `paths` that the revision's `out/` holds as a file.
    public func read(_ paths: [String]) async throws -> [String: [UInt8]] {
        let wanted = paths.filter { !$0.unicodeScalars.contains(where: { $0.value < 0x20 }) }
        guard !wanted.isEmpty else { return [:] }
        let request = wanted.map { "\(commit):\(prefix)out/\($0)\n" }.joined()
        let result = try await Subprocess.run(
            .name("git"), arguments: ["-C", project, "cat-file", "--batch"],
            input: .string(request), output: .bytes(limit: Self.outputLimit), error: .bytes(limit: 1 << 16))
        guard case .exited(0) = result.terminationStatus else {
            throw ReviewError("git cat-file failed reading \(revision)'s out/: "
                + ShellQuoting.commentText(String(decoding: result.standardError, as: UTF8.self)))
        }
        return try Self.parseBatch(result.standardOutput, paths: wanted)
    }

    /// The files in `git cat-file --batch` output, one answer per path of `paths` in order:
    /// `<id> blob <size>\n<bytes>\n`, or `<name> missing\n` (also for folders and other kinds).
    static func parseBatch(_ output: [UInt8], paths: [String]) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var index = 0
        for path in paths {
            guard let end = output[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw ReviewError("git cat-file ended early, at \(path)")
            }
            let header = String(decoding: output[index..<end], as: UTF8.self).split(separator: " ")
            index = end + 1
            guard header.count == 3, let size = Int(header[2]), size >= 0 else { continue }
            guard index + size <= output.count else { throw ReviewError("git cat-file ended early, in \(path)") }
            if header[1] == "blob" { files[path] = Array(output[index..<(index + size)]) }
            index += size + 1
        }
        return files
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// Runs `git -C folder arguments...` and returns its exit status and standard output.
    static func git(_ arguments: [String], in folder: String) async throws -> (status: Int32, text: String) {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(["-C", folder] + arguments),
            input: .none, output: .string(limit: 1 << 20), error: .discarded)
        guard case .exited(let code) = result.terminationStatus else { return (-1, "") }
        return (code, result.standardOutput)
    }
}

extension String {
    /// The string without one final newline.
    var trimmingSuffixNewline: String {
        hasSuffix("\n") ? String(dropLast()) : self
    }
}
