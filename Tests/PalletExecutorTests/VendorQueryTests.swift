import Foundation
import PalletContract
import PalletTestSupport
import Testing

/// The fixed script that asks a node which vendored files it lacks, and how its answer is read.
@Suite("vendor query")
struct VendorQueryTests {
    @Test("the query script is shellcheck-clean and a constant: nothing from the specs is in it")
    func scriptIsClean() throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        try project.write("query.sh", VendorQuery.script)
        let problems = try shellProblems([project.root + "/query.sh"], shellcheck: ["--shell=bash", "--severity=style"])
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a complete answer gives the SHA-256 values it names; a broken-off answer gives nil; other lines are ignored")
    func answers() {
        let sha = String(repeating: "ab", count: 32)
        #expect(VendorQuery.missing(in: "\(VendorQuery.missingPrefix)\(sha)\nnoise\n\(VendorQuery.endLine)\n") == [sha])
        #expect(VendorQuery.missing(in: "\(VendorQuery.missingPrefix)\(sha)\n") == nil)
        #expect(VendorQuery.missing(in: "\(VendorQuery.missingPrefix)../../etc/passwd\n\(VendorQuery.missingPrefix)\(sha.uppercased())\n\(VendorQuery.endLine)\n") == [])
        #expect(VendorQuery.missing(in: "\(VendorQuery.endLine)\n") == [])
    }

    @Test("the query script prints a missing line for a package that is not installed and for a pin whose version differs, then the end line")
    func scriptOnThisMachine() throws {
        // Run here, reading the machine's dpkg database (read only): bash is installed, the other two are not.
        let project = try TemporaryProject()
        defer { project.remove() }
        let installed = try ProcessRunner.run(["dpkg-query", "-W", "-f=${Version}", "bash"]).stdout
        let (a, b, c, d) = (String(repeating: "a", count: 64), String(repeating: "b", count: 64), String(repeating: "c", count: 64),
                            String(repeating: "d", count: 64))
        try project.write("b/vendor.list", """
            bash bash \(installed) amd64 \(a)
            bash=0.0-pallet bash 0.0-pallet amd64 \(b)
            pallet-never-installed pallet-never-installed 1.0 all \(c)
            bash=\(installed) bash \(installed) amd64 \(d)

            """)
        try project.write("b/run.sh", VendorQuery.script)
        let result = try ProcessRunner.run(["bash", project.root + "/b/run.sh"])
        #expect(result.status == 0, "\(result.combined)")
        #expect(VendorQuery.missing(in: result.stdout) == [b, c], "\(result.stdout)")
    }
}
