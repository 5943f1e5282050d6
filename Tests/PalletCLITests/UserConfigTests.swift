import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("User configuration and pallet show")
struct UserConfigTests {
    /// The home folder's configuration from before out/ depended on the repository alone: an
    /// admin user and services in config.yaml, more services in services/*.yaml.
    func formerHome(_ config: MarkedText, services: MarkedText) throws -> TemporaryProject {
        try TemporaryProject(files: ["config.yaml": config.text, "services/lab.yaml": services.text])
    }

    @Test("out/ depends on the repository alone: the example compiled with an empty home and with a home holding only allowed keys gives the same bytes, the committed out/")
    func sameOutInEveryHome() throws {
        let empty = try TemporaryProject()
        defer { empty.remove() }
        let allowed = try TemporaryProject(files: ["config.yaml": "# control-host settings only\nvboxmanage: ~/bin/VBoxManage\n"])
        defer { allowed.remove() }
        let outputs = try TemporaryProject()
        defer { outputs.remove() }
        var trees: [FolderContents] = []
        for (name, home) in [("empty", empty), ("allowed", allowed)] {
            let out = outputs.root + "/" + name
            let plan = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--project", RepositoryPaths.root, "--out", out],
                                             environment: ["PALLET_HOME": home.root])
            #expect(plan.status == 0, "\(name): \(plan.combined)")
            let check = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: RepositoryPaths.root,
                                              environment: ["PALLET_HOME": home.root])
            #expect(check.status == 0, "the committed out/ is current in the \(name) home: \(check.combined)")
            trees.append(try FolderContents(out))
        }
        #expect(trees[0].files.count > 5 && trees[0].files.keys.contains("plan.json"))
        #expect(trees[0] == trees[1], "paths that differ: \(trees[0].files.keys.filter { trees[0].files[$0] != trees[1].files[$0] }.sorted())")
        let planJSON = String(decoding: trees[1].files["plan.json"]?.bytes ?? Data(), as: UTF8.self)
        #expect(!planJSON.contains("config.yaml") && !planJSON.contains(allowed.root), "the user configuration is no input")
    }

    @Test("a service or admin user defined only in the user configuration is a located error naming the file and key, and nothing is written")
    func specSectionsInTheHomeAreErrors() throws {
        let config = MarkedText("⟨admin⟩admin-user: {username: ops, private-key: ~/.ssh/ops}\n⟨services⟩services:\n  lab:\n    provider: hosts\n    hosts: [{name: l1, group: h, address: 10.0.0.2}]\n")
        let services = MarkedText("⟨shared⟩shared:\n  provider: hosts\n  hosts: [{name: s1, group: g, address: 10.0.0.1}]\n")
        let home = try formerHome(config, services: services)
        defer { home.remove() }
        let project = try TemporaryProject(files: ["specs/a.yaml": "groups:\n  h: {service: lab}\n"])
        defer { project.remove() }
        let run = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root, environment: ["PALLET_HOME": home.root])
        #expect(run.status == 1, "\(run.combined)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        let file = home.root + "/config.yaml"
        #expect(lines.contains { $0.hasSuffix("config.yaml:\(config["services"]): error: 'services' in the user configuration \(file) would make out/ "
            + "depend on this home folder; move it into the project's specs/ (the user configuration holds only vboxmanage)") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("config.yaml:\(config["admin"]): error: 'admin-user' in the user configuration \(file) would make out/ "
            + "depend on this home folder; move it into the project's specs/ (the user configuration holds only vboxmanage)") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("services/lab.yaml:\(services["shared"]): error: service 'shared' in the user configuration "
            + "\(home.root)/services/lab.yaml: services shape out/, so they cannot live in the user configuration; move it into the project's specs/ (under services:)") },
                "\(lines)")
        #expect(lines.contains { $0.hasPrefix("specs/a.yaml:2:") && $0.contains("error: undefined service 'lab'") }, "the service is not taken from the home: \(lines)")
        #expect(!project.exists("out"), "nothing is written")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root)
        #expect(leftovers == ["specs"], "\(leftovers)")
    }

    @Test("unknown keys and a vboxmanage that is not a string are located errors; spec loading takes nothing from the home")
    func unknownKeys() throws {
        let config = MarkedText("⟨vbox⟩vboxmanage: ⟨value⟩[a]\n⟨typo⟩vboxmanag: /usr/bin/VBoxManage\n")
        let home = try TemporaryProject(files: ["config.yaml": config.text])
        defer { home.remove() }
        let project = try TemporaryProject(files: ["specs/a.yaml": "groups: {}\n"])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root, userConfigDirectory: home.root).load(diagnostics: diagnostics)
        let messages = diagnostics.sorted.map(\.description)
        #expect(messages.contains { $0.hasSuffix("config.yaml:\(config["typo"]): error: unknown key 'vboxmanag' in the user configuration \(home.root)/config.yaml "
            + "(it holds only vboxmanage: settings that never shape out/); did you mean 'vboxmanage'?") }, "\(messages)")
        #expect(messages.contains { $0.contains("config.yaml:\(config["value"]): error: 'vboxmanage' in \(home.root)/config.yaml must be a string") }, "\(messages)")
        #expect(specs.inputs.map(\.path) == ["specs/a.yaml"])
    }

    @Test("vboxmanage: ~/ is the control host's home, $VBOXMANAGE wins, nothing configured sets nothing")
    func vboxmanageVariable() {
        let settings = UserConfig.Settings(vboxmanage: "~/bin/VBoxManage")
        #expect(settings.vboxmanageVariable(environment: [:], home: "/home/ops") == "/home/ops/bin/VBoxManage")
        #expect(settings.vboxmanageVariable(environment: ["VBOXMANAGE": "/opt/vbox"], home: "/home/ops") == nil)
        #expect(UserConfig.Settings(vboxmanage: "/usr/lib/virtualbox/VBoxManage").vboxmanageVariable(environment: [:], home: "/h")
                == "/usr/lib/virtualbox/VBoxManage")
        #expect(UserConfig.Settings().vboxmanageVariable(environment: [:], home: "/h") == nil)
    }

    @Test("vboxmanage in the user configuration is the VBoxManage that destroy runs; $VBOXMANAGE wins over it")
    func vboxmanageSetting() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": """
            project: demo
            services:
              vbox:
                provider: virtualbox
                images:
                  debian: {disk: /srv/base.vdi, os-family: debian, os-version: "12", os-type: Debian_64}
            nodes:
              small: {image: debian, hardware: small}
            groups:
              web: {service: vbox, node: small, count: 1}
            """])
        defer { project.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        // Two stand-ins that record their arguments and know no VM.
        for name in ["configured", "environment"] {
            try project.write("bin/\(name)", "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/\(name).calls\"\n")
            #expect(chmod(project.root + "/bin/\(name)", 0o755) == 0)
        }
        let home = try TemporaryProject(files: ["config.yaml": "vboxmanage: \(project.root)/bin/configured\n"])
        defer { home.remove() }
        let configured = try ProcessRunner.run([RepositoryPaths.palletBinary, "destroy", "--yes"], directory: project.root,
                                               environment: ["PALLET_HOME": home.root])
        #expect(configured.status == 0 && configured.stderr.contains("no VM of this project to destroy"), "\(configured.combined)")
        #expect(try project.read("bin/configured.calls").contains("list vms"), "the configured VBoxManage ran: \(configured.combined)")
        #expect(!project.exists("bin/environment.calls"))
        try FileManager.default.removeItem(atPath: project.root + "/bin/configured.calls")
        let overridden = try ProcessRunner.run([RepositoryPaths.palletBinary, "destroy", "--yes"], directory: project.root,
                                               environment: ["PALLET_HOME": home.root, "VBOXMANAGE": project.root + "/bin/environment"])
        #expect(overridden.status == 0, "\(overridden.combined)")
        #expect(try project.read("bin/environment.calls").contains("list vms") && !project.exists("bin/configured.calls"), "\(overridden.combined)")
    }

    @Test("pallet show prints the resolved group with origins, with a PALLET_HOME holding an allowed key")
    func show() throws {
        let home = try TemporaryProject(files: ["config.yaml": "vboxmanage: /usr/bin/VBoxManage\n"])
        defer { home.remove() }
        let project = try TemporaryProject(files: ["specs/a.yaml": """
            services:
              lab: {provider: hosts, hosts: [{name: l1, group: h, address: 10.0.0.2}]}
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
        #expect(run.stdout.contains("port = 8080") && run.stdout.contains("specs/a.yaml:6"))
        #expect(run.stdout.contains("[crate timezone used at specs/a.yaml:4:"))
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
