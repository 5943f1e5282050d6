import Foundation
import PalletCompiler
import PalletContract
@testable import PalletReview
import PalletSpec
import PalletTestSupport
import Testing

/// Where a base plan comes from: a git revision of the repository (read with the real `git`)
/// or a folder.
@Suite("diff bases")
struct BaseSourceTests {
    static let specV1 = "services:\n  lab:\n    provider: hosts\n    hosts:\n      - {name: h1, group: g, address: 127.0.0.1}\n"
        + "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - file: {path: /etc/a, content: \"one\"}\n"
    static let specV2 = specV1.replacingOccurrences(of: "\"one\"", with: "\"two\"")

    /// Compiles the project at `root` and writes its out/.
    func plan(_ root: String) throws -> OutputTree {
        let diagnostics = Diagnostics()
        let tree = try #require(try Compiler(projectRoot: root).compile(diagnostics: diagnostics))
        try OutputWriter(directory: root + "/out").replace(with: tree)
        return tree
    }

    func git(_ arguments: [String], in folder: String) throws -> ProcessResult {
        try ProcessRunner.run(["git", "-C", folder, "-c", "user.email=t@example.org", "-c", "user.name=t"] + arguments)
    }

    /// A git repository holding the project in `subfolder` (or at its top), planned and committed
    /// at v1, then its spec changed to v2 (not committed): returns the repository and project folders.
    func repository(subfolder: String) throws -> (TemporaryProject, String) {
        let repo = try TemporaryProject()
        let root = subfolder.isEmpty ? repo.root : repo.root + "/" + subfolder
        try repo.write((subfolder.isEmpty ? "" : subfolder + "/") + "specs/main.yaml", Self.specV1)
        _ = try plan(root)
        #expect(try git(["init", "-q"], in: repo.root).status == 0)
        #expect(try git(["add", "-A"], in: repo.root).status == 0)
        #expect(try git(["commit", "-qm", "v1"], in: repo.root).status == 0)
        try repo.write((subfolder.isEmpty ? "" : subfolder + "/") + "specs/main.yaml", Self.specV2)
        return (repo, root)
    }

    @Test("a revision's committed out/ is read with git, also when the project is a subfolder of the repository",
          arguments: ["", "infra/prod"])
    func gitRevision(subfolder: String) async throws {
        let (repo, root) = try repository(subfolder: subfolder)
        defer { repo.remove() }
        let diagnostics = Diagnostics()
        let head = try #require(try Compiler(projectRoot: root).compile(diagnostics: diagnostics))
        let source = try await GitOutSource.resolve(revision: "HEAD", project: root)
        #expect(source.prefix == (subfolder.isEmpty ? "" : subfolder + "/"))
        let base = try await PlanSnapshot.load(from: source)
        #expect(base.stepLists.count == 1)
        #expect(base.runtimeDigest == SHA256.hexDigest(Array(RuntimeLibrary.source.utf8)))
        let diff = PlanComparison.diff(base: base, head: try await PlanSnapshot.load(from: TreeOutSource(tree: head, label: "the specs")))
        #expect(diff.groups.flatMap(\.phases).flatMap(\.steps).map { "\($0.kind.rawValue) \($0.step.summary)" } == ["changed /etc/a"])
        #expect(source.label.hasPrefix("`HEAD` ("))
    }

    @Test("a revision that names no commit, or that looks like an option, is an error that names it; nothing is written")
    func badRevisions() async throws {
        let (repo, root) = try repository(subfolder: "")
        defer { repo.remove() }
        for revision in ["no-such-branch", "--output=\(repo.root)/written", "HEAD\n--all", ""] {
            await #expect(throws: ReviewError.self) { try await GitOutSource.resolve(revision: revision, project: root) }
        }
        #expect(!repo.exists("written"))
        let outside = try TemporaryProject()
        defer { outside.remove() }
        do {
            _ = try await GitOutSource.resolve(revision: "HEAD", project: outside.root)
            Issue.record("a folder outside git resolved a revision")
        } catch let error as ReviewError {
            #expect(error.description.contains("not in a git work tree"), "\(error)")
        }
    }

    @Test("a folder base reads plan.json and the step lists; a symbolic link in it is not followed")
    func folder() async throws {
        let project = try TemporaryProject(files: ["specs/main.yaml": Self.specV1])
        defer { project.remove() }
        _ = try plan(project.root)
        let snapshot = try await PlanSnapshot.load(from: FolderOutSource(folder: project.root + "/out"))
        #expect(snapshot.stepLists["groups/g/configure.tar"]?.steps.map(\.summary) == ["/etc/a"])
        let stepList = project.root + "/out/groups/g/configure.steps.json"
        try FileManager.default.removeItem(atPath: stepList)
        try FileManager.default.createSymbolicLink(atPath: stepList, withDestinationPath: "/etc/passwd")
        let linked = try await PlanSnapshot.load(from: FolderOutSource(folder: project.root + "/out"))
        #expect(linked.stepLists.isEmpty)
        await #expect(throws: ReviewError.self) { try await PlanSnapshot.load(from: FolderOutSource(folder: project.root + "/specs")) }
    }

    @Test("git cat-file's batch answers are split exactly, missing files left out")
    func batchParsing() throws {
        let output = Array("abc blob 3\none\nHEAD:out/x missing\ndef blob 0\n\n".utf8)
        let files = try GitOutSource.parseBatch(output, paths: ["a", "x", "b"])
        #expect(files == ["a": Array("one".utf8), "b": []])
    }
}
