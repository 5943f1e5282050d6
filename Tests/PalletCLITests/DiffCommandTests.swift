import Foundation
import PalletTestSupport
import Testing

/// `pallet diff` run as a reviewer runs it, on a copy of the shipped example in a git repository.
@Suite("pallet diff")
struct DiffCommandTests {
    func pallet(_ arguments: [String], in folder: String) throws -> ProcessResult {
        try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: folder)
    }

    func git(_ arguments: [String], in folder: String) throws {
        let result = try ProcessRunner.run(["git", "-C", folder, "-c", "user.email=t@example.org", "-c", "user.name=t"] + arguments)
        #expect(result.status == 0, "git \(arguments): \(result.combined)")
    }

    /// The example's specs and out/ committed in a fresh repository.
    func exampleRepository() throws -> TemporaryProject {
        let project = try TemporaryProject()
        for folder in ["specs", "out"] {
            try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/" + folder, toPath: project.root + "/" + folder)
        }
        try git(["init", "-q"], in: project.root)
        try git(["add", "-A"], in: project.root)
        try git(["commit", "-qm", "example"], in: project.root)
        return project
    }

    @Test("the example unchanged: no change to any machine, exit 0")
    func unchanged() throws {
        let project = try exampleRepository()
        defer { project.remove() }
        let result = try pallet(["diff"], in: project.root)
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.stdout.contains("## pallet diff: `HEAD` ("))
        #expect(result.stdout.contains("No change to any machine"))
    }

    @Test("one more web node, a changed motd and a new secret file: VMs to create, changed steps per group, the new operator file")
    func change() throws {
        let project = try exampleRepository()
        defer { project.remove() }
        let groups = try project.read("specs/groups.yaml").replacingOccurrences(of: "count: 2 ", with: "count: 3 ")
        try project.write("specs/groups.yaml", groups)
        let servers = try project.read("specs/servers.yaml")
            .replacingOccurrences(of: "is managed by pallet;", with: "is managed by pallet (see the wiki);")
            .replacingOccurrences(of: "- file: {path: /etc/cron.d/legacy-backup, state: absent}",
                                  with: "- file: {path: /etc/app.env, content: {secret: {file: /srv/secrets/app.env}}, mode: \"0600\"}")
        try project.write("specs/servers.yaml", servers)
        for base in [["diff"], ["diff", "HEAD"], ["diff", "--project", project.root, "HEAD"]] {
            let result = try pallet(base, in: project.root)
            #expect(result.status == 0, "\(result.combined)")
            let text = result.stdout
            #expect(text.contains("**2 groups changed · steps: 1 added, 1 removed, 2 changed · VMs: 1 to create, 0 to destroy"), "\(text)")
            #expect(text.contains("### Group `web`: VMs 2 → 3\n\n- VMs to create: `web-3`"), "\(text)")
            #expect(text.contains("| changed | `configure` | `file` /etc/motd | specs/servers.yaml:26:11 |"), "\(text)")
            #expect(text.contains("| removed | `configure` | `file` /etc/cron.d/legacy-backup | specs/servers.yaml:60:11 (in the base) |"))
            #expect(text.contains("| added | `configure` | `file` /etc/app.env | specs/servers.yaml:60:11 |"))
            #expect(text.contains("- `/srv/secrets/app.env`: secret sent to db / configure"))
        }
        // out/ was neither read as the new plan nor written.
        let status = try ProcessRunner.run(["git", "-C", project.root, "status", "--porcelain", "out"])
        #expect(status.stdout.isEmpty)
    }

    @Test("a folder base: the committed out/ copied elsewhere gives the same summary as its revision")
    func folderBase() throws {
        let project = try exampleRepository()
        defer { project.remove() }
        let copy = try TemporaryProject()
        defer { copy.remove() }
        try FileManager.default.copyItem(atPath: project.root + "/out", toPath: copy.root + "/out")
        try project.write("specs/groups.yaml", try project.read("specs/groups.yaml").replacingOccurrences(of: "count: 2 ", with: "count: 1 "))
        let byFolder = try pallet(["diff", copy.root], in: project.root)
        let byRevision = try pallet(["diff", "HEAD"], in: project.root)
        #expect(byFolder.status == 0 && byRevision.status == 0, "\(byFolder.combined)\(byRevision.combined)")
        #expect(byFolder.stdout.contains("- VMs to destroy: `web-2`"), "\(byFolder.stdout)")
        #expect(byFolder.stdout.split(separator: "\n").dropFirst() == byRevision.stdout.split(separator: "\n").dropFirst())
    }

    @Test("errors exit 1 and name the problem: a base that is neither a folder nor a revision, a folder without a plan, specs that do not compile")
    func errors() throws {
        let project = try exampleRepository()
        defer { project.remove() }
        let unknown = try pallet(["diff", "no-such-branch"], in: project.root)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'no-such-branch' is neither a folder nor a revision"), "\(unknown.stderr)")
        let empty = try pallet(["diff", project.root + "/specs"], in: project.root)
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("holds neither plan.json nor out/plan.json"), "\(empty.stderr)")
        try project.write("specs/groups.yaml", "groups:\n  web: [\n")
        let broken = try pallet(["diff"], in: project.root)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("specs/groups.yaml:"), "\(broken.stderr)")
        #expect(broken.stdout.isEmpty)
    }
}
