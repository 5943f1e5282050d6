import Foundation
import PalletContract
import PalletExecutor
import PalletSpec
import PalletTestSupport
import Testing

/// `pallet textconv`, git's diff driver for the bundle tars of `out/`: what it prints for the
/// example's real tars, for hostile and broken input, and `git diff` in a real repository set up
/// as pallet's repository (`.gitattributes`, `make plan`) and `pallet init` set it up.
@Suite("Git diff driver: pallet textconv and the out/**/*.tar attribute")
struct GitDiffDriverTests {
    static let pallet = RepositoryPaths.palletBinary

    /// Runs git in `folder` with a committer identity and no system configuration.
    @discardableResult
    static func git(_ arguments: [String], in folder: String) throws -> ProcessResult {
        try ProcessRunner.run(["git", "-c", "user.name=Pallet Test", "-c", "user.email=test@example.org"] + arguments,
                              directory: folder, environment: ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CEILING_DIRECTORIES": "/tmp"])
    }

    /// `pallet textconv FILE`.
    static func textconv(_ file: String) throws -> ProcessResult {
        try ProcessRunner.run([pallet, "textconv", file])
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("every tar of the example: run.sh and each file of files/ with the digest of its reviewed copy; lib.sh only as out/lib.sh's digest")
    func exampleTars() throws {
        let out = RepositoryPaths.root + "/out"
        let library = try Self.bytes(out + "/lib.sh")
        let libraryDigest = SHA256.hexDigest(library)
        let libraryLines = String(decoding: library, as: UTF8.self).split(separator: "\n").filter { $0.count > 30 }
        #expect(libraryLines.count > 100)
        var tars = 0
        for group in try FileManager.default.contentsOfDirectory(atPath: out + "/groups").sorted() {
            let folder = out + "/groups/" + group
            for tar in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where tar.hasSuffix(".tar") {
                tars += 1
                let bundle = folder + "/" + tar.dropLast(4)
                let result = try Self.textconv(folder + "/" + tar)
                #expect(result.status == 0 && result.stderr.isEmpty, "\(result.combined)")
                let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                #expect(lines.first == TarSummary.header && lines.last == "", "\(result.stdout)")
                let members = lines.dropFirst().dropLast()
                #expect(members.map { $0 } == members.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "sorted: \(result.stdout)")

                let runScript = try Self.bytes(bundle + "/run.sh")
                #expect(members.contains("run.sh  0755  \(runScript.count) bytes  sha256:\(SHA256.hexDigest(runScript))"), "\(result.stdout)")
                var expected = 2
                let files = bundle + "/files"
                if FileManager.default.fileExists(atPath: files) {
                    #expect(members.contains("files/  0755  directory"))
                    expected += 1
                    for name in try FileManager.default.contentsOfDirectory(atPath: files) {
                        let payload = try Self.bytes(files + "/" + name)
                        #expect(members.contains("files/\(name)  0644  \(payload.count) bytes  sha256:\(SHA256.hexDigest(payload))"), "\(name)")
                        expected += 1
                    }
                }
                #expect(members.contains("lib.sh  sha256:\(libraryDigest)  \(TarSummary.runtimeNote)"), "\(result.stdout)")
                #expect(members.count == expected, "one line per member, no MANIFEST line: \(result.stdout)")
                #expect(!members.contains { $0.hasPrefix("MANIFEST") }, "a bundle's MANIFEST matches its members")
                let shown = libraryLines.filter { result.stdout.contains($0) }
                #expect(shown.isEmpty, "lib.sh's text is never shown: \(shown.prefix(3))")
                #expect(try Self.textconv(folder + "/" + tar).stdout == result.stdout, "the same bytes, the same text")
            }
        }
        #expect(tars >= 4, "the example has tars in out/groups/")
    }

    @Test("names with control characters and bidi overrides are escaped; a MANIFEST that does not match its members is reported")
    func hostileArchive() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        let hostile = "files/a\u{1b}]52;c;aGk=\u{07}b\u{202e}txt.sh"
        var entries = BundleContents.entries(runScript: Array("#!/bin/bash\n".utf8), library: Array("lib\n".utf8), payloads: [
            BundleFile(path: hostile, bytes: Array("x".utf8)),
            BundleFile(path: "files/ok", bytes: Array("ok\n".utf8)),
        ])
        try folder.write("bundle.tar", bytes: try TarArchive.make(entries))
        let clean = try Self.textconv(folder.root + "/bundle.tar")
        #expect(clean.status == 0, "\(clean.combined)")
        #expect(!clean.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202e}" },
                "no control character reaches the terminal: \(clean.stdout.debugDescription)")
        #expect(clean.stdout.contains("files/a\\x1b]52;c;aGk=\\x07b\\u{202e}txt.sh  0644  1 bytes  sha256:\(SHA256.hexDigest(Array("x".utf8)))"),
                "\(clean.stdout)")
        #expect(clean.stdout.contains("lib.sh  sha256:\(SHA256.hexDigest(Array("lib\n".utf8)))  \(TarSummary.runtimeNote)\n"))
        #expect(!clean.stdout.contains("\nMANIFEST"))

        // A payload changed without its MANIFEST line: the listing says so.
        let index = try #require(entries.firstIndex { $0.path == "files/ok" })
        entries[index].kind = .file(Array("changed\n".utf8))
        try folder.write("edited.tar", bytes: try TarArchive.make(entries))
        let edited = try Self.textconv(folder.root + "/edited.tar")
        #expect(edited.status == 0)
        #expect(edited.stdout.contains("\nMANIFEST  does not list the digests of the members above"), "\(edited.stdout)")
    }

    @Test("a file that is not a tar: one line with its size and SHA-256, exit 0; a missing file: exit 1")
    func notATar() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        let text = Array("plain text\u{1b}[2J, not an archive\n".utf8)
        try folder.write("notes.tar", bytes: text)
        let result = try Self.textconv(folder.root + "/notes.tar")
        #expect(result.status == 0, "\(result.combined)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1 && result.stdout.hasPrefix("not a readable tar archive ("), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("): \(text.count) bytes  sha256:\(SHA256.hexDigest(text))\n"), "\(result.stdout)")

        let missing = try Self.textconv(folder.root + "/gone.tar")
        #expect(missing.status == 1 && missing.stdout.isEmpty, "\(missing.combined)")
        #expect(missing.stderr == "pallet: error: \(folder.root)/gone.tar: no such file\n", "\(missing.stderr)")
    }

    /// A repository set up the way pallet's repository is (its `.gitattributes`, the driver in the
    /// repository's config) with the example's `configure.tar` of `web` committed, then repacked
    /// with `files/12-healthz` changed.
    @Test("git diff of a committed bundle tar shows the changed member's line, not \"Binary files differ\"")
    func gitDiffOfATar() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        let repository = folder.root
        #expect(try Self.git(["init", "-q"], in: repository).status == 0)
        let attributes = try String(contentsOfFile: RepositoryPaths.root + "/.gitattributes", encoding: .utf8)
        #expect(attributes.contains("\n\(TarDiffDriver.attribute)\n"), "\(attributes)")
        try folder.write(".gitattributes", attributes)
        #expect(try Self.git(["config", TarDiffDriver.configKey, "'\(Self.pallet)' textconv"], in: repository).status == 0)

        let original = try Self.bytes(RepositoryPaths.root + "/out/groups/web/configure.tar")
        try folder.write("out/groups/web/configure.tar", bytes: original)
        #expect(try Self.git(["add", "."], in: repository).status == 0)
        #expect(try Self.git(["commit", "-q", "-m", "plan"], in: repository).status == 0)

        // The same bundle with one payload changed, packed the way pallet plan packs it.
        let entries = try TarArchive.read(original)
        func contents(_ path: String) throws -> [UInt8] {
            guard case .file(let bytes)? = entries.first(where: { $0.path == path })?.kind else { throw TestSupportError("no \(path)") }
            return bytes
        }
        let healthz = try contents("files/12-healthz")
        let payloads = try entries.filter { !$0.isDirectory && !["run.sh", "lib.sh", "MANIFEST"].contains($0.path) }.map { entry in
            BundleFile(path: entry.path, bytes: entry.path == "files/12-healthz" ? Array("ready\n".utf8) : try contents(entry.path))
        }
        let changed = BundleContents.entries(runScript: try contents("run.sh"), library: try contents("lib.sh"), payloads: payloads)
        try folder.write("out/groups/web/configure.tar", bytes: try TarArchive.make(changed))

        let diff = try Self.git(["diff"], in: repository)
        #expect(diff.status == 0, "\(diff.combined)")
        #expect(!diff.stdout.contains("Binary files"), "\(diff.stdout)")
        #expect(diff.stdout.contains("\n-files/12-healthz  0644  \(healthz.count) bytes  sha256:\(SHA256.hexDigest(healthz))\n"), "\(diff.stdout)")
        #expect(diff.stdout.contains("\n+files/12-healthz  0644  6 bytes  sha256:\(SHA256.hexDigest(Array("ready\n".utf8)))\n"), "\(diff.stdout)")
        let changedLines = diff.stdout.split(separator: "\n").filter { ($0.hasPrefix("-") || $0.hasPrefix("+")) && !$0.hasPrefix("---") && !$0.hasPrefix("+++") }
        #expect(changedLines.count == 2, "only that member's line changes: \(changedLines)")
        #expect(!diff.stdout.contains("pallet_"), "no runtime text")

        // Without the driver, git shows the tar as binary: the attribute and the setting make the difference.
        let raw = try Self.git(["diff", "--no-textconv"], in: repository)
        #expect(raw.stdout.contains("Binary files"), "\(raw.stdout)")
    }

    @Test("make plan with pallet's Makefile sets the driver to the build's absolute path in a git work tree, and works outside git")
    func repositoryMakefile() throws {
        let makefile = try String(contentsOfFile: RepositoryPaths.root + "/Makefile", encoding: .utf8)
        #expect(makefile.contains("\nplan: build\n\t\(TarDiffDriver.makefileLine(pallet: "'$(abspath $(PALLET))'"))\n\t$(PALLET) plan\n"))
        for inGit in [true, false] {
            let folder = try TemporaryProject()
            defer { folder.remove() }
            try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/specs", toPath: folder.root + "/specs")
            if inGit { #expect(try Self.git(["init", "-q"], in: folder.root).status == 0) }
            // `-o build`: the binary under test stands for the release build the target would make.
            let make = try ProcessRunner.run(["make", "-f", RepositoryPaths.root + "/Makefile", "-o", "build", "plan", "PALLET=\(Self.pallet)"],
                                             directory: folder.root, environment: ["GIT_CEILING_DIRECTORIES": "/tmp"])
            #expect(make.status == 0, "\(make.combined)")
            #expect(folder.exists("out/groups/web/configure.tar"), "\(make.combined)")
            let setting = try Self.git(["config", "--get", TarDiffDriver.configKey], in: folder.root)
            if inGit {
                #expect(setting.stdout == "'\(Self.pallet)' textconv\n", "\(setting.combined)")
            } else {
                #expect(setting.status != 0 && !folder.exists(".git"), "\(setting.combined)")
                #expect(!make.stderr.contains("git"), "skipped silently: \(make.stderr)")
            }
        }
    }

    @Test("a project from pallet init in a git repository: make plan, commit, change a spec, make plan; git diff names the changed member")
    func initProjectReview() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        let project = folder.root + "/infra"
        #expect(try Self.git(["init", "-q", project], in: folder.root).status == 0)
        let created = try ProcessRunner.run([Self.pallet, "init", "infra"], directory: folder.root)
        #expect(created.status == 0, "\(created.combined)")
        // The Makefile points the driver at $(PALLET); here the binary under test.
        func plan() throws {
            let make = try ProcessRunner.run(["make", "plan", "PALLET=\(Self.pallet)"], directory: project)
            #expect(make.status == 0, "\(make.combined)")
        }
        try plan()
        #expect(try Self.git(["config", "--get", TarDiffDriver.configKey], in: project).stdout == "\(Self.pallet) textconv\n")
        #expect(try Self.git(["add", "."], in: project).status == 0)
        #expect(try Self.git(["commit", "-q", "-m", "first plan"], in: project).status == 0)

        let specs = try folder.read("infra/specs/pallet.yaml")
        try folder.write("infra/specs/pallet.yaml", specs.replacingOccurrences(of: "Managed by pallet:", with: "Run by pallet:"))
        try plan()
        let diff = try Self.git(["diff", "--", "out/groups/web/configure.tar"], in: project)
        #expect(diff.status == 0 && !diff.stdout.contains("Binary files"), "\(diff.combined)")
        let changed = diff.stdout.split(separator: "\n").filter { $0.hasPrefix("-files/") || $0.hasPrefix("+files/") }
        #expect(changed.count == 2 && changed.allSatisfy { $0.contains("-motd  0644  ") }, "the motd file's line: \(diff.stdout)")
    }
}
