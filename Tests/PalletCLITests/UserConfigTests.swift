import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("User configuration and pallet show")
struct UserConfigTests {
    func userHome() throws -> TemporaryProject {
        try TemporaryProject(files: [
            "config.yaml": "admin-user: {username: ops, private-key: ~/.ssh/ops}\nservices:\n  shared:\n    provider: hosts\n    hosts: [{name: s1, group: g, address: 10.0.0.1}]\n",
            "services/lab.yaml": "lab:\n  provider: hosts\n  hosts: [{name: l1, group: h, address: 10.0.0.2}]\n",
        ])
    }

    @Test("~/.pallet/config.yaml and services/*.yaml fill in what the project does not define; the project wins")
    func merge() throws {
        let home = try userHome()
        defer { home.remove() }
        let project = try TemporaryProject(files: ["specs/a.yaml": """
            services:
              shared:
                provider: hosts
                hosts: [{name: p1, group: g, address: 10.9.9.9}]
            groups:
              g: {service: shared}
              h: {service: lab}
            """])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root, userConfigDirectory: home.root).load(diagnostics: diagnostics)
        #expect(diagnostics.sorted.isEmpty, "\(diagnostics.sorted)")
        #expect(specs.adminUser?.username.value == "ops")
        guard case .hosts(let shared)? = specs.service(named: "shared")?.provider, case .hosts(let lab)? = specs.service(named: "lab")?.provider else {
            Issue.record("expected both services")
            return
        }
        #expect(shared.map(\.name.value) == ["p1"], "the project's service wins")
        #expect(lab.map(\.name.value) == ["l1"])
        #expect(specs.inputs.contains { $0.path.hasSuffix("config.yaml") })

        try project.write("specs/b.yaml", "admin-user: {username: projectadmin}\n")
        let again = SpecLoader(projectRoot: project.root, userConfigDirectory: home.root).load(diagnostics: Diagnostics())
        #expect(again.adminUser?.username.value == "projectadmin")
    }

    @Test("unknown keys in the user configuration are located errors")
    func unknownKeys() throws {
        let config = MarkedText("admin-user: {username: ops}\n⟨groups⟩groups: {}\n")
        let home = try TemporaryProject(files: ["config.yaml": config.text])
        defer { home.remove() }
        let project = try TemporaryProject(files: ["specs/a.yaml": "groups: {}\n"])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        _ = SpecLoader(projectRoot: project.root, userConfigDirectory: home.root).load(diagnostics: diagnostics)
        #expect(diagnostics.sorted.contains { $0.description.hasSuffix("config.yaml:\(config["groups"]): error: unknown key 'groups' in the user configuration (it holds admin-user and services)") },
                "\(diagnostics.sorted)")
    }

    @Test("pallet show prints the resolved group with origins, PALLET_HOME included")
    func show() throws {
        let home = try userHome()
        defer { home.remove() }
        let project = try TemporaryProject(files: ["specs/a.yaml": """
            servers:
              base: {vars: {port: "80"}, phases: {configure: [{crate: timezone, with: {zone: Europe/Paris}}]}}
            groups:
              h: {service: lab, extends: [base], vars: {port: "8080"}}
            """])
        defer { project.remove() }
        let run = try ProcessRunner.run([RepositoryPaths.palletBinary, "show", "h"], directory: project.root, environment: ["PALLET_HOME": home.root])
        #expect(run.status == 0, "\(run.combined)")
        #expect(run.stdout.contains("service: lab (hosts)"))
        #expect(run.stdout.contains("nodes: l1 (10.0.0.2)"))
        #expect(run.stdout.contains("extends: base"))
        #expect(run.stdout.contains("port = 8080") && run.stdout.contains("specs/a.yaml:4"))
        #expect(run.stdout.contains("[crate timezone used at specs/a.yaml:2:"))
        let missing = try ProcessRunner.run([RepositoryPaths.palletBinary, "show", "hh"], directory: project.root, environment: ["PALLET_HOME": home.root])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no group 'hh'; did you mean 'h'?"))
    }

    @Test("tests never read the developer's ~/.pallet: in-process loads and a pallet started with HOME at a poisoned home read the test home's")
    func testsRunInTheirOwnHome() throws {
        // Read, this configuration fails every command.
        let poisoned = try TemporaryProject(files: [".pallet/config.yaml": "poison: true\n", ".pallet/services/lab.yaml": "poison: {}\n"])
        defer { poisoned.remove() }
        let project = try TemporaryProject(files: [
            "specs/a.yaml": "services: {lab: {provider: hosts, hosts: [{name: l1, group: h, address: 10.0.0.2}]}}\ngroups: {h: {service: lab}}\n",
        ])
        defer { project.remove() }
        #expect(UserConfig.defaultDirectory == TestHome.palletHome)
        #expect(SpecLoader(projectRoot: project.root).userConfigDirectory == TestHome.palletHome)

        let control = try ProcessRunner.run([RepositoryPaths.palletBinary, "show", "h"], directory: project.root,
                                            environment: ["PALLET_HOME": poisoned.root + "/.pallet"])
        #expect(control.status == 1 && control.stderr.contains("unknown key 'poison' in the user configuration"),
                "the poisoned configuration must fail a command that reads it: \(control.combined)")

        // As any test runs pallet, with only HOME changed: strace lists every file it looks at.
        let trace = project.root + "/trace"
        let run = try ProcessRunner.run(["strace", "-f", "-qq", "-e", "trace=%file", "-o", trace, RepositoryPaths.palletBinary, "show", "h"],
                                        directory: project.root, environment: ["HOME": poisoned.root])
        #expect(run.status == 0 && !run.combined.contains("poison"), "\(run.combined)")
        let calls = try String(contentsOfFile: trace, encoding: .utf8)
        let configs = calls.split(separator: "\n").compactMap { line in
            line.split(separator: "\"").first { $0.hasSuffix("/config.yaml") }.map(String.init)
        }
        #expect(Set(configs) == [TestHome.palletHome + "/config.yaml"], "user configurations pallet looked at: \(configs)")
        let userDatabaseHome = getpwuid(getuid()).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        for home in [userDatabaseHome, TestHome.originalHome, poisoned.root].compactMap({ $0 }) where home != "/" {
            #expect(!calls.contains("\"\(home)/.pallet"), "pallet looked into \(home)/.pallet:\n\(calls)")
        }
    }
}
