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
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("changed groups/g/configure/run.sh"))
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
    }
}
