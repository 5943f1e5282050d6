import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Determinism", .serialized)
struct DeterminismTests {
    /// sha256sum lines over every file of a folder, paths relative to it, sorted.
    func checksums(of directory: String) throws -> String {
        let result = try ProcessRunner.run(["bash", "-c", "cd \"$1\" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum", "-", directory])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// A copy of the repository's specs in a fresh project folder.
    func copyOfRepository() throws -> TemporaryProject {
        let project = try TemporaryProject()
        let copy = try ProcessRunner.run(["cp", "-R", RepositoryPaths.root + "/specs", project.root + "/specs"])
        #expect(copy.status == 0, "\(copy.stderr)")
        return project
    }

    /// Fails the test unless `environment`'s LC_ALL and TZ are installed and in effect: bash under
    /// it prints the locale's decimal point and the zone's UTC offset (a regular expression).
    func requireInEffect(_ environment: [String: String], decimalPoint: String, offset: String) throws {
        let zone = try #require(environment["TZ"])
        try #require(FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/" + zone), "time zone \(zone) is not installed (package tzdata)")
        let probe = try ProcessRunner.run(["bash", "-c", "locale decimal_point && date +%z"], environment: environment)
        let lines = probe.stdout.split(separator: "\n").map(String.init)
        try #require(probe.status == 0 && probe.stderr.isEmpty && lines.count == 2,
                     "locale \(environment["LC_ALL"] ?? "") is not installed: run scripts/deps.sh test\n\(probe.combined)")
        #expect(lines[0] == decimalPoint, "locale \(environment["LC_ALL"] ?? "") is not in effect: \(probe.combined)")
        #expect(lines[1].wholeMatch(of: try Regex(offset)) != nil, "time zone \(zone) is not in effect: \(probe.combined)")
    }

    @Test("compiling the same specs twice gives identical trees")
    func sameTreeTwice() throws {
        let first = try Compiler(projectRoot: RepositoryPaths.root).compile(diagnostics: Diagnostics())
        let second = try Compiler(projectRoot: RepositoryPaths.root).compile(diagnostics: Diagnostics())
        #expect(first?.files == second?.files)
        #expect((first?.files.count ?? 0) > 5)
    }

    @Test("pallet plan in another folder, with another umask, TZ and LANG, writes the committed out/ byte for byte, twice")
    func anotherFolderSameBytes() throws {
        let project = try copyOfRepository()
        defer { project.remove() }
        let environments = [
            ["TZ": "Pacific/Kiritimati", "LANG": "C", "LC_ALL": "C"],
            ["TZ": "America/St_Johns", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"],
        ]
        // Each locale and zone must really be in effect: glibc silently falls back to C and UTC.
        try requireInEffect(environments[0], decimalPoint: ".", offset: #"\+1400"#)
        try requireInEffect(environments[1], decimalPoint: ",", offset: "-0[23]30")
        var sums: [String] = []
        for (umask, environment) in zip(["077", "002"], environments) {
            let result = try ProcessRunner.run(
                ["bash", "-c", "umask \(umask) && cd \"$1\" && \"$2\" plan", "-", project.root, RepositoryPaths.palletBinary],
                environment: environment
            )
            #expect(result.status == 0, "\(result.combined)")
            sums.append(try checksums(of: project.root + "/out"))
        }
        #expect(sums[0] == sums[1])
        #expect(sums[0] == (try checksums(of: RepositoryPaths.root + "/out")),
                "the committed out/ is not what specs/ compiles to: run 'make plan' and commit out/")
        #expect(sums[0].contains(".tar\n"))
    }

    @Test("the committed out/ is current (pallet plan --check)")
    func committedOutIsCurrent() throws {
        let result = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: RepositoryPaths.root)
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.stdout.contains("up to date"))
    }

    @Test("tar archives are reproducible: sorted entries, root owner, mtime 0, explicit modes")
    func tarMetadata() throws {
        let result = try ProcessRunner.run(["tar", "--numeric-owner", "-tvf", RepositoryPaths.root + "/out/groups/web/configure.tar"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let names = lines.compactMap { $0.split(separator: " ").last.map(String.init) }
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(names.contains("MANIFEST") && names.contains("run.sh") && names.contains("lib.sh"))
        for line in lines {
            #expect(line.contains(" 0/0 "), "owner of: \(line)")
            #expect(line.contains("1970-01-01"), "mtime of: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix("-rwxr-xr-x") && $0.hasSuffix(" run.sh") })
        #expect(lines.contains { $0.hasPrefix("-rw-r--r--") && $0.hasSuffix(" lib.sh") })
    }
}
