import Foundation
import PalletTestSupport
import Testing

@Suite("pallet plan on the command line")
struct CommandLineTests {
    @Test("errors: every problem printed as file:line:column, exit 1, out/ untouched")
    func errorsLeaveOutUntouched() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": hostsPreamble + "groups:\n  g: {service: lab}\n"])
        defer { project.remove() }
        let first = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root)
        #expect(first.status == 0, "\(first.combined)")
        let before = try project.read("out/plan.json")
        let broken = mainSpec("groups:\n  g: {service: lab, ⟨cont⟩cont: 1}\n  h: {service: ⟨nope⟩nope}\n")
        try project.write("specs/a.yaml", broken.text)
        let failed = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root)
        #expect(failed.status == 1)
        let lines = failed.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(broken.at("cont", in: "specs/a.yaml")): error: unknown key 'cont' in group-spec 'g'; did you mean 'count'?"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("\(broken.at("nope", in: "specs/a.yaml")): error: undefined service 'nope'") }, "\(lines)")
        #expect(lines.last == "pallet: 2 errors; out/ was not changed")
        #expect(try project.read("out/plan.json") == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root).filter { $0.contains("pallet-new") }
        #expect(leftovers.isEmpty)
    }

    @Test("a successful plan replaces out/ entirely: files of removed groups disappear")
    func replacesOut() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": hostsPreamble + "groups:\n  g: {service: lab}\n  other: {service: lab}\n"])
        defer { project.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        #expect(project.exists("out/groups/other/configure.tar"))
        try project.write("specs/a.yaml", hostsPreamble + "groups:\n  g: {service: lab}\n")
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        #expect(!project.exists("out/groups/other"))
        #expect(project.exists("out/groups/g/configure.tar"))
        let check = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: project.root)
        #expect(check.status == 0)
        try project.write("out/groups/g/configure/run.sh", "tampered\n")
        let stale = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: project.root)
        #expect(stale.status == 2)
        #expect(stale.stdout.contains("changed groups/g/configure/run.sh"))
    }

    @Test("plan --check exits like terraform plan -detailed-exitcode: 0 current, 2 stale naming each file, 1 on errors with nothing written")
    func checkExitCodes() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": hostsPreamble + "groups:\n  g: {service: lab}\n"])
        defer { project.remove() }
        func check() throws -> ProcessResult {
            try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: project.root)
        }
        let absent = try check()
        #expect(absent.status == 2, "no out/ at all is stale: \(absent.combined)")
        #expect(absent.stdout.split(separator: "\n").contains("added plan.json"), "\(absent.stdout)")
        #expect(!project.exists("out"), "--check writes nothing")

        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        let current = try check()
        #expect(current.status == 0, "\(current.combined)")
        #expect(current.stdout.hasPrefix("pallet: out/ is up to date"), "\(current.stdout)")

        // One changed file: exit 2, and exactly that file on standard output.
        let original = try project.read("out/groups/g/configure/run.sh")
        let runScript = try FileHandle(forWritingTo: URL(fileURLWithPath: project.root + "/out/groups/g/configure/run.sh"))
        try runScript.seekToEnd()
        try runScript.write(contentsOf: Data("# edited\n".utf8))
        try runScript.close()
        let changed = try check()
        #expect(changed.status == 2, "\(changed.combined)")
        #expect(changed.stdout == "changed groups/g/configure/run.sh\n", "\(changed.stdout)")
        #expect(changed.stderr.contains("out/ is stale: 'pallet plan' would change 1 file"), "\(changed.stderr)")
        #expect(try project.read("out/groups/g/configure/run.sh") == original + "# edited\n", "--check writes nothing")

        // A removed file and an extra one: both named, one per line.
        try project.write("out/groups/g/configure/run.sh", original)
        #expect(chmod(project.root + "/out/groups/g/configure/run.sh", 0o755) == 0)
        try FileManager.default.removeItem(atPath: project.root + "/out/lib.sh")
        try project.write("out/groups/g/notes.txt", "extra\n")
        let both = try check()
        #expect(both.status == 2, "\(both.combined)")
        #expect(both.stdout == "added lib.sh\nremoved groups/g/notes.txt\n", "\(both.stdout)")
        #expect(!project.exists("out/lib.sh") && project.exists("out/groups/g/notes.txt"), "--check writes nothing")

        // A spec error: exit 1, located, nothing written.
        let before = try FolderContents(project.root + "/out")
        let broken = mainSpec("groups:\n  g: {service: ⟨nope⟩nope}\n")
        try project.write("specs/a.yaml", broken.text)
        let failed = try check()
        #expect(failed.status == 1, "\(failed.combined)")
        #expect(failed.stderr.contains("\(broken.at("nope", in: "specs/a.yaml")): error: undefined service 'nope'"), "\(failed.stderr)")
        #expect(failed.stdout.isEmpty, "\(failed.stdout)")
        #expect(try FolderContents(project.root + "/out") == before, "nothing written")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root).sorted()
        #expect(leftovers == ["out", "specs"], "\(leftovers)")
    }

    @Test("re-planning keeps unchanged files (same inode and mtime) and rewrites changed or hand-edited ones")
    func unchangedFilesKept() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": hostsPreamble + "groups:\n  g: {service: lab}\n  other: {service: lab}\n"])
        defer { project.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        func inode(_ path: String) throws -> UInt64 {
            var info = stat()
            try #require(lstat(project.root + "/" + path, &info) == 0)
            return UInt64(info.st_ino)
        }
        let lib = try inode("out/lib.sh")
        let otherTar = try inode("out/groups/other/configure.tar")
        let planJSON = try inode("out/plan.json")
        try project.write("out/groups/g/configure/run.sh", "edited by hand\n")
        let edited = try inode("out/groups/g/configure/run.sh")
        try project.write("specs/a.yaml", hostsPreamble + "groups:\n  g: {service: lab}\n  other: {service: lab}\n  third: {service: lab}\n")
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        #expect(try inode("out/lib.sh") == lib)
        #expect(try inode("out/groups/other/configure.tar") == otherTar)
        #expect(try inode("out/plan.json") != planJSON, "plan.json lists the new group, so it is written anew")
        #expect(try inode("out/groups/g/configure/run.sh") != edited)
        #expect(try project.read("out/groups/g/configure/run.sh") != "edited by hand\n")
        let check = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: project.root)
        #expect(check.status == 0, "\(check.combined)")
    }

    @Test("--help explains the command with examples")
    func help() throws {
        let result = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("file:line:column"))
        #expect(result.stdout.contains("Examples:"))
        let flat = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("0 when out/ is exactly what the specs compile to; 2 when it is stale") && flat.contains("1 on errors"), "\(flat)")
    }
}
