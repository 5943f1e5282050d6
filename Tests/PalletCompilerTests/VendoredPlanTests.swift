import Foundation
import PalletContract
import PalletTestSupport
import Testing

/// A group with `vendor:`: its bundles carry the lock's files (vendor.list, plan.json's `vendored`),
/// run.sh installs from them, and a request the lock does not resolve is a located error.
@Suite("vendored packages in the plan")
struct VendoredPlanTests {
    static let sha = (a: String(repeating: "a", count: 64), b: String(repeating: "b", count: 64), c: String(repeating: "c", count: 64))

    /// A lock with pallet-vend-a (needing pallet-vend-b), its pin, and pallet-vend-c.
    static let lock = """
        # a test lock
        debian-12 amd64 deb pallet-vend-a 1.0-1 all 100 \(sha.a)
        debian-12 amd64 deb pallet-vend-b 2.0-1 all 200 \(sha.b)
        debian-12 amd64 deb pallet-vend-c 3.0-1 amd64 300 \(sha.c)
        debian-12 amd64 needs pallet-vend-a pallet-vend-a pallet-vend-b
        debian-12 amd64 needs pallet-vend-a=1.0-1 pallet-vend-a pallet-vend-b
        debian-12 amd64 needs pallet-vend-c pallet-vend-c

        """

    static let groups = """
        groups:
          g:
            service: lab
            vendor: {release: debian-12, architecture: amd64}
            phases:
              configure:
                - packages: [pallet-vend-a=1.0-1]
                - {packages: [pallet-vend-c], when: {os-family: debian}}
                - {packages: {names: [gone], state: absent}}
                - file: {path: /etc/x, content: "x\\n"}
          plain:
            service: lab
            phases:
              configure:
                - packages: [curl]

        """

    @Test("vendor.list, run.sh's vendored transaction, plan.json's vendored list (only for vendored groups) and PLAN.md's line")
    func planRecordsVendoredFiles() throws {
        let (tree, errors) = try compileMain(Self.groups, extra: ["specs/vendor.lock": Self.lock])
        #expect(errors.isEmpty, "\(errors)")
        let out = try #require(tree)
        #expect(out.text("groups/g/configure/vendor.list") == """
            pallet-vend-a=1.0-1 pallet-vend-a 1.0-1 all \(Self.sha.a)
            pallet-vend-a=1.0-1 pallet-vend-b 2.0-1 all \(Self.sha.b)
            pallet-vend-c pallet-vend-c 3.0-1 amd64 \(Self.sha.c)

            """)
        let run = try #require(out.text("groups/g/configure/run.sh"))
        let lines = run.split(separator: "\n").map(String.init)
        let vendored = try #require(lines.firstIndex(of: "pallet_packages_vendored 'vendor.list'"))
        let apply = try #require(lines.firstIndex(of: "pallet_packages_apply"))
        #expect(vendored < apply)
        #expect(lines.contains("if pallet_os_in 'debian'; then pallet_packages_add 'present' 'pallet-vend-c'; fi"), "\(run)")
        #expect(!(out.text("groups/plain/configure/run.sh") ?? "").contains("vendored"))

        let planBytes = try #require(out.files["plan.json"]).bytes
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(planBytes)) as? [String: Any])
        let groups = try #require(plan["groups"] as? [[String: Any]])
        let bundle = { (group: String) in ((groups.first { $0["name"] as? String == group })?["bundles"] as? [[String: Any]])?.first }
        let entries = try #require(bundle("g")?["vendored"] as? [[String: String]])
        #expect(entries.map { $0["name"] ?? "" } == ["pallet-vend-a", "pallet-vend-b", "pallet-vend-c"])
        #expect(entries[1] == ["name": "pallet-vend-b", "version": "2.0-1", "architecture": "all", "sha256": Self.sha.b])
        #expect(bundle("plain") != nil && bundle("plain")?["vendored"] == nil)
        #expect(try #require(out.text("plan.json")).contains("\"vendored\"") && !(out.text("groups/plain/configure/vendor.list") != nil))
        let markdown = try #require(out.text("PLAN.md"))
        #expect(markdown.contains("Packages: installed from `specs/vendor.lock` (debian-12/amd64)"))
        #expect(markdown.components(separatedBy: "Packages: installed from").count == 2)
        let scratch = try TemporaryProject()
        defer { scratch.remove() }
        let problems = try shellProblems(try writtenScripts(out, in: scratch), shellcheck: ["--shell=bash", "--severity=style"])
        #expect(problems.isEmpty, "\(problems)")

        // Same specs, same bytes.
        let (again, _) = try compileMain(Self.groups, extra: ["specs/vendor.lock": Self.lock])
        #expect(again?.files["groups/g/configure.tar"]?.bytes == out.files["groups/g/configure.tar"]?.bytes)
        #expect(again?.files["plan.json"]?.bytes == out.files["plan.json"]?.bytes)
    }

    @Test("a request the lock does not resolve for the group's target is an error at the request, naming pallet vendor; also with no lock")
    func missingRequestIsLocated() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                vendor: {release: debian-12}
                phases:
                  configure:
                    - ⟨ok⟩packages: [pallet-vend-c]
                    - ⟨pin⟩packages: [pallet-vend-c=9.9]
                    - ⟨nginx⟩package: nginx

            """)
        let main = "specs/main.yaml"
        let (tree, errors) = try compile([main: spec.text, "specs/vendor.lock": Self.lock])
        #expect(tree == nil)
        #expect(errors.contains("\(spec.at("nginx", in: main)): error: package 'nginx' is not in specs/vendor.lock for debian-12/amd64; run `pallet vendor`"),
                "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("pin", in: main)): error: package 'pallet-vend-c=9.9' is not in specs/vendor.lock") }, "\(errors)")
        #expect(!errors.contains { $0.hasPrefix(spec.at("ok", in: main)) }, "\(errors)")
        #expect(errors.count == 2, "\(errors)")

        let (noLock, withoutLock) = try compile([main: spec.text])
        #expect(noLock == nil)
        #expect(withoutLock.filter { $0.hasSuffix("run `pallet vendor`") }.count == 3, "\(withoutLock)")

        // Another target's lines do not count.
        let otherTarget = spec.text.replacingOccurrences(of: "{release: debian-12}", with: "{release: debian-12, architecture: arm64}")
        let (_, wrongArch) = try compile([main: otherTarget, "specs/vendor.lock": Self.lock])
        #expect(wrongArch.contains { $0.contains("package 'pallet-vend-c' is not in specs/vendor.lock for debian-12/arm64") }, "\(wrongArch)")
    }

    /// The scripts of `tree` written into a temporary project's out/, for shellcheck.
    func writtenScripts(_ tree: OutputTree, in project: TemporaryProject) throws -> [String] {
        var paths: [String] = []
        for (path, file) in tree.files where path.hasSuffix(".sh") {
            try project.write("out/" + path, bytes: file.bytes)
            paths.append(project.root + "/out/" + path)
        }
        return paths.sorted()
    }
}
