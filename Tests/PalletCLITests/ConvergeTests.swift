import Foundation
import PalletTestSupport
import Testing

/// `pallet apply` (and its alias `converge`) against the VBoxManage simulator, whose `startvm`
/// brings up a real test host and publishes its address as the guest IP. The suite keeps its
/// name (converge is apply's alias) because docs/security.md cites it.
@Suite("pallet converge with VirtualBox", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet converge with VirtualBox")))
struct ConvergeTests {
    /// The start and stop hooks that turn VMs into test hosts (user `admin`, sharing the
    /// machine's addresses), and the environment that runs pallet against the simulator.
    func hooks(in directory: String, publicKey: String) throws -> [String: String] {
        try SimulatedVirtualBox(directory: directory, home: directory, login: "admin", publicKey: publicKey, ownAddress: false).environment
    }

    func specs(base: String, key: String, web: Int, db: Int?, motd: String = "{{ node.name }} of {{ group }}") -> String {
        """
        project: demo
        admin-user: {username: admin, private-key: \(key)}
        services:
          vbox:
            provider: virtualbox
            node-path: ~/vms
            images:
              debian: {disk: \(base), os-family: debian, os-version: "12", os-type: Debian_64}
            network: local
        nodes:
          small: {image: debian, hardware: small}
        servers:
          base:
            phases:
              bootstrap:
                - exec: {script: "date +%s%N >> /etc/bootstrapped-at"}
              configure:
                - file: {path: /etc/motd, content: "\(motd)\\n"}
              deploy:
                - file: {path: /etc/deployed, content: "{{ node.name }}\\n"}
        groups:
        \(db.map { "  db: {service: vbox, node: small, count: \($0), extends: [base]}\n" } ?? "")\
          web: {service: vbox, node: small, count: \(web), extends: [base]\(db == nil ? "" : ", after: [db]")}
        """
    }

    /// A project with keys, an image disk and the simulator's hooks; its test hosts are cleaned
    /// up by ``remove()`` whatever happened.
    struct SimulatedProject {
        let project: TemporaryProject
        let keys: SSHKeyPair
        let base: String
        var environment: [String: String]

        init() throws {
            project = try TemporaryProject()
            keys = try TestHostSupport.makeKeyPair(in: project.root + "/keys")
            base = project.root + "/base.vdi"
            try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: base))
            environment = try ConvergeTests().hooks(in: project.root + "/sim", publicKey: keys.publicKey)
        }

        func remove() {
            // Whatever happens, no test host outlives the test.
            let hosts = project.root + "/sim/hosts"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: hosts)) ?? [] {
                _ = try? ProcessRunner.run([TestHostSupport.scriptPath, "clean", hosts + "/" + name])
            }
            project.remove()
        }

        func pallet(_ arguments: [String], stdin: [UInt8]? = nil) throws -> ProcessResult {
            try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root, environment: environment, stdin: stdin)
        }

        func vbox(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(["VBoxManage"] + arguments, environment: environment)
        }

        /// The registered VMs' names, sorted.
        func vms() throws -> [String] {
            try vbox(["list", "vms"]).stdout.split(separator: "\n").compactMap { $0.split(separator: "\"").first.map(String.init) }.sorted()
        }

        /// A file of the test host behind VM `vm`.
        func file(_ path: String, on vm: String) -> String {
            (try? String(contentsOfFile: project.root + "/sim/hosts/\(vm)/upper" + path, encoding: .utf8)) ?? ""
        }

        /// Every VBoxManage call so far, as its arguments.
        func calls() -> [[String]] {
            let text = (try? String(contentsOfFile: project.root + "/sim/vbox/calls.log", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["argv"] as? [String]
            }
        }

        /// The calls from `start` on that are not reads: anything but list, showvminfo,
        /// getextradata, showmediuminfo, --version and guestproperty get/enumerate/wait.
        func mutations(since start: Int) -> [[String]] {
            calls().dropFirst(start).filter { argv in
                guard let command = argv.first else { return false }
                if ["list", "showvminfo", "getextradata", "showmediuminfo", "--version"].contains(command) { return false }
                if command == "guestproperty", argv.count > 1, ["get", "enumerate", "wait"].contains(argv[1]) { return false }
                return true
            }
        }
    }

    @Test("apply from nothing to 2 web + 1 db; converge (the alias) again changes nothing; web to 1; db removed from the specs is destroyed as an orphan; then 0")
    func applyCounts() throws {
        let sim = try SimulatedProject()
        defer { sim.remove() }
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 2, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        let first = try sim.pallet(["apply"])
        #expect(first.status == 0, "\(first.combined)")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1", "demo-web-2"])
        #expect(sim.file("/etc/motd", on: "demo-web-1") == "web-1 of web\n")
        #expect(sim.file("/etc/motd", on: "demo-web-2") == "web-2 of web\n")
        #expect(sim.file("/etc/motd", on: "demo-db-1") == "db-1 of db\n")
        #expect(first.stderr.contains("pallet: create web-2 (VM demo-web-2)"), "\(first.stderr)")
        #expect(first.stderr.contains("created db-1"))

        // The alias, again: creates nothing, bootstraps nothing, changes nothing.
        let again = try sim.pallet(["converge", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.combined)")
        #expect(!again.stderr.contains("created"))
        #expect(sim.file("/etc/bootstrapped-at", on: "demo-web-1").split(separator: "\n").count == 1)

        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 1, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        let shrink = try sim.pallet(["apply"])
        #expect(shrink.status == 0, "\(shrink.combined)")
        #expect(shrink.stderr.contains("pallet: destroy web-2 (VM demo-web-2)"), "\(shrink.stderr)")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1"])
        #expect(FileManager.default.fileExists(atPath: sim.base), "the base disk must survive")

        // The group db leaves the specs: its VM is an orphan, destroyed by apply (without a filter).
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 1, db: nil))
        #expect(try sim.pallet(["plan"]).status == 0)
        let filtered = try sim.pallet(["apply", "--group", "web"])
        #expect(filtered.status == 0, "\(filtered.combined)")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1"], "a filtered apply leaves orphans alone")
        let orphaned = try sim.pallet(["apply", "--json"])
        #expect(orphaned.status == 0, "\(orphaned.combined)")
        #expect(orphaned.stderr.contains("destroy orphan db-1 (VM demo-db-1, service vbox, group db, no longer in the specs)"), "\(orphaned.stderr)")
        #expect(orphaned.stdout.contains("\"action\" : \"destroy-orphan\""), "\(orphaned.stdout)")
        #expect(try sim.vms() == ["demo-web-1"])

        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 0, db: nil))
        #expect(try sim.pallet(["plan"]).status == 0)
        let empty = try sim.pallet(["apply"])
        #expect(empty.status == 0, "\(empty.combined)")
        #expect(try sim.vms().isEmpty)
        #expect(FileManager.default.fileExists(atPath: sim.base))
    }

    @Test("with --slice, only slice 1/N changes machines: slice 2/2 creates no VM; slice 1/2 creates them all; slice 2/2 then configures its nodes")
    func slicesChangeMachinesOnlyInTheFirst() throws {
        let sim = try SimulatedProject()
        defer { sim.remove() }
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 2, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        // web-1, web-2 and db-1 all belong to slice 2 of 2 (SliceTests pins the rule).
        let early = try sim.pallet(["apply", "--slice", "2/2"])
        #expect(early.status == 0, "\(early.combined)")
        #expect(try sim.vms().isEmpty, "slice 2/2 creates no VM")
        #expect(sim.mutations(since: 0).isEmpty, "\(sim.mutations(since: 0))")
        let first = try sim.pallet(["apply", "--slice", "1/2"])
        #expect(first.status == 0, "\(first.combined)")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1", "demo-web-2"])
        #expect(first.stderr.contains("pallet: slice 1/2: 0 node(s) here, 3 left to other slices"), "\(first.stderr)")
        #expect(sim.file("/etc/motd", on: "demo-web-1").isEmpty, "slice 1/2 configures none of slice 2's nodes")
        let calls = sim.calls().count
        let second = try sim.pallet(["apply", "--slice", "2/2"])
        #expect(second.status == 0, "\(second.combined)")
        #expect(sim.mutations(since: calls).isEmpty, "\(sim.mutations(since: calls))")
        #expect(sim.file("/etc/motd", on: "demo-web-1") == "web-1 of web\n")
        #expect(sim.file("/etc/motd", on: "demo-db-1") == "db-1 of db\n")
        #expect(second.stderr.contains("pallet: slice 2/2: 3 node(s) here, 0 left to other slices"), "\(second.stderr)")
    }

    @Test("apply --check lists create, destroy and orphans next to the phase diffs of running VMs, and makes no mutating VBoxManage call")
    func preview() throws {
        let sim = try SimulatedProject()
        defer { sim.remove() }
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 2, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        #expect(try sim.pallet(["apply"]).status == 0)

        // web grows to 3, db leaves the specs, and the motd changes.
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 3, db: nil, motd: "{{ node.name }} v2"))
        #expect(try sim.pallet(["plan"]).status == 0)
        let start = sim.calls().count
        let check = try sim.pallet(["apply", "--check", "--json", "--detailed-exitcode"])
        #expect(check.status == 2, "\(check.combined)")
        #expect(check.stderr.contains("  create web-3 (VM demo-web-3)"), "\(check.stderr)")
        #expect(check.stderr.contains("  destroy orphan db-1 (VM demo-db-1, service vbox, group db, no longer in the specs)"), "\(check.stderr)")
        #expect(!check.stderr.contains("  keep web-1"))
        #expect(check.stderr.contains("+web-1 v2"), "the phase diff of a running VM: \(check.stderr)")
        #expect(check.stdout.contains("\"action\" : \"create\""), "\(check.stdout)")
        #expect(sim.calls().count > start, "the preview asked VirtualBox")
        #expect(sim.mutations(since: start).isEmpty, "\(sim.mutations(since: start))")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1", "demo-web-2"])
        #expect(sim.file("/etc/motd", on: "demo-web-1") == "web-1 of web\n")

        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 1, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        let shrinking = sim.calls().count
        let check2 = try sim.pallet(["apply", "--check"])
        #expect(check2.status == 0, "\(check2.combined)")
        #expect(check2.stderr.contains("  destroy web-2 (VM demo-web-2)"), "\(check2.stderr)")
        #expect(sim.mutations(since: shrinking).isEmpty, "\(sim.mutations(since: shrinking))")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1", "demo-web-2"])
    }

    @Test("lift runs a custom phase on the running VMs only: a stopped VM is reported and skipped, nothing is created or started")
    func liftOnExisting() throws {
        let sim = try SimulatedProject()
        defer { sim.remove() }
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 2, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        #expect(try sim.pallet(["apply"]).status == 0)
        #expect(try sim.vbox(["controlvm", "demo-web-2", "poweroff"]).status == 0)
        // A third VM in the specs but not yet created: lift does not create it.
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 3, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        let start = sim.calls().count
        let lift = try sim.pallet(["lift", "--phase", "deploy", "--group", "web"])
        #expect(lift.status == 0, "\(lift.combined)")
        #expect(sim.file("/etc/deployed", on: "demo-web-1") == "web-1\n")
        #expect(lift.stderr.contains("web-2 is not running (poweroff): skipped"), "\(lift.stderr)")
        #expect(sim.file("/etc/deployed", on: "demo-db-1").isEmpty, "--group web runs on web only")
        #expect(sim.mutations(since: start).isEmpty, "\(sim.mutations(since: start))")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1", "demo-web-2"])
    }

    @Test("destroy refuses off a terminal without --yes, asks on a terminal (n keeps, y destroys), and --yes destroys a node, a group, all with orphans")
    func destroy() throws {
        let sim = try SimulatedProject()
        defer { sim.remove() }
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 2, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        #expect(try sim.pallet(["apply"]).status == 0)
        let all = ["demo-db-1", "demo-web-1", "demo-web-2"]

        let refused = try sim.pallet(["destroy"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refusing to destroy 3 VMs without confirmation: standard input is not a terminal"), "\(refused.stderr)")
        #expect(try sim.vms() == all)

        // On a terminal (script(1) gives pallet one), pallet asks; 'n' keeps everything.
        func onTerminal(_ answer: String, _ arguments: String) throws -> ProcessResult {
            try ProcessRunner.run(["script", "-qec", RepositoryPaths.palletBinary + " " + arguments, "/dev/null"],
                                  directory: sim.project.root, environment: sim.environment, stdin: Array((answer + "\n").utf8))
        }
        let declined = try onTerminal("n", "destroy --group db")
        #expect(declined.status == 1, "\(declined.combined)")
        #expect(declined.stdout.contains("Destroy it? [y/N]"), "\(declined.combined)")
        #expect(declined.stdout.contains("db-1 (running)"), "\(declined.combined)")
        #expect(try sim.vms() == all)
        let accepted = try onTerminal("y", "destroy --group db")
        #expect(accepted.status == 0, "\(accepted.combined)")
        #expect(try sim.vms() == ["demo-web-1", "demo-web-2"])

        let node = try sim.pallet(["destroy", "--node", "web-2", "--yes"])
        #expect(node.status == 0, "\(node.combined)")
        #expect(try sim.vms() == ["demo-web-1"])

        // An orphan: the group web leaves the specs; destroy without a filter takes it too.
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 0, db: 1)
            .replacingOccurrences(of: "  web: {service: vbox, node: small, count: 0, extends: [base], after: [db]}", with: ""))
        #expect(try sim.pallet(["plan"]).status == 0)
        let everything = try sim.pallet(["destroy", "--yes"])
        #expect(everything.status == 0, "\(everything.combined)")
        #expect(everything.stderr.contains("orphan web-1 (VM demo-web-1"), "\(everything.stderr)")
        #expect(try sim.vms().isEmpty)
        #expect(FileManager.default.fileExists(atPath: sim.base))
        let nothing = try sim.pallet(["destroy"])
        #expect(nothing.status == 0 && nothing.stderr.contains("no VM of this project to destroy"), "\(nothing.combined)")
    }

    @Test("a VM of no project holding a group's name stops that group with the script's error, shown; the other group is applied")
    func foreignVM() throws {
        let sim = try SimulatedProject()
        defer { sim.remove() }
        #expect(try sim.vbox(["createvm", "--name", "demo-web-1", "--register"]).status == 0)
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 1, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        let run = try sim.pallet(["apply"])
        #expect(run.status == 1, "\(run.combined)")
        #expect(run.stderr.contains("group web: provisioning failed: provision web: error: the VM 'demo-web-1' {"), "\(run.stderr)")
        #expect(run.stderr.contains("is not this project's"), "\(run.stderr)")
        #expect(try sim.vms() == ["demo-db-1", "demo-web-1"])
        #expect(sim.file("/etc/motd", on: "demo-db-1") == "db-1 of db\n")
        let preview = try sim.pallet(["apply", "--check"])
        #expect(preview.status == 1)
        #expect(preview.stderr.contains("group web: provisioning failed: provision web: error: the VM 'demo-web-1' {"), "\(preview.stderr)")
    }

    @Test("a VBoxManage call that fails is shown with its command and VirtualBox's own message, and the VM stays")
    func vboxManageFailureShown() throws {
        var sim = try SimulatedProject()
        defer { sim.remove() }
        try sim.project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 1, db: nil))
        #expect(try sim.pallet(["plan"]).status == 0)
        #expect(try sim.pallet(["apply"]).status == 0)
        // Another process holds the VM's session: VirtualBox refuses to unregister it.
        sim.environment["VBOXSIM_LOCKED"] = "demo-web-1"
        let destroy = try sim.pallet(["destroy", "--node", "web-1", "--yes"])
        #expect(destroy.status == 1, "\(destroy.combined)")
        #expect(destroy.stderr.contains("pallet: error: node web-1: provisioning failed: provision web: error: VBoxManage unregistervm"),
                "\(destroy.stderr)")
        #expect(destroy.stderr.contains("Cannot unregister the machine 'demo-web-1' while it is locked"), "\(destroy.stderr)")
        #expect(try sim.vms() == ["demo-web-1"])
    }

    @Test("a VM that reports an address ssh could take for an option, or a path could climb with, is left alone with a clear error")
    func hostileGuestAddress() throws {
        var sim = try SimulatedProject()
        defer { sim.remove() }
        let project = sim.project
        // The guest, not pallet, decides what it publishes: here an ssh option and a '..'.
        let hostile = project.root + "/sim/hostile-hook"
        try """
            #!/usr/bin/env bash
            case $1 in
              *-db-1) printf '%s\\n' '-oProxyCommand=touch${IFS}\(project.root)/pwned' ;;
              *) printf '%s\\n' '..' ;;
            esac

            """.write(toFile: hostile, atomically: true, encoding: .utf8)
        chmod(hostile, 0o755)
        sim.environment["VBOXSIM_START_HOOK"] = hostile
        try project.write("specs/infra.yaml", specs(base: sim.base, key: sim.keys.privateKey, web: 1, db: 1))
        #expect(try sim.pallet(["plan"]).status == 0)
        let run = try sim.pallet(["apply"])
        #expect(run.status == 1, "\(run.combined)")
        #expect(run.stderr.contains("VM db-1 reported the address '-oProxyCommand=touch${IFS}"), "\(run.combined)")
        #expect(run.stderr.contains("VM web-1 reported the address '..'"), "\(run.combined)")
        #expect(!FileManager.default.fileExists(atPath: project.root + "/pwned"))
    }
}
