import Foundation
import PalletCompiler
import PalletContract
@testable import PalletExecutor
import PalletTestSupport
import Testing

/// How the executor reads what the provisioning scripts print (`plan`, `nodes`, `converge`, the
/// orphans' `list`) and which subcommands apply, apply --check, lift and destroy call. The
/// scripts here are small bash stand-ins that print fixed lines and record their arguments; the
/// generated scripts themselves run against the VBoxManage simulator in ConvergeTests.
@Suite("Machine stage: provisioning script output and subcommands")
struct MachineStageTests {
    @Test("plan lines become machine changes in order; a line of another shape is an error naming it, escaped")
    func planLines() throws {
        let changes = try MachineChange.parsePlan("keep web-1 p-web-1\nstart web-2 p-web-2\ncreate web-3 p-web-3\ndestroy web-5 p-web-5\n", group: "web")
        #expect(changes.map(\.action) == [.keep, .start, .create, .destroy])
        #expect(changes.map(\.summary) == ["keep web-1 (VM p-web-1)", "start web-2 (VM p-web-2)", "create web-3 (VM p-web-3)",
                                           "destroy web-5 (VM p-web-5)"])
        #expect(changes.filter(\.changesMachine).count == 3)
        #expect(try MachineChange.parsePlan("", group: "web").isEmpty)
        for bad in ["explode web-1 p-web-1", "create db-1 p-db-1", "create web-1", "create web-x p-web-x", "create web-0 p-web-0",
                    "create web-1 p-web-1 extra"] {
            #expect(throws: ProvisionScript.Failure.self, "\(bad)") { try MachineChange.parsePlan(bad, group: "web") }
        }
        do {
            _ = try MachineChange.parsePlan("create\u{1B}]52;c;bad\u{07} web-1 p-web-1", group: "web")
            Issue.record("a bad line was accepted")
        } catch {
            #expect("\(error)".contains("\\x1b]52;c;bad\\x07"), "\(error)")
            #expect(!"\(error)".contains("\u{1B}"))
        }
        // A VM's name is VirtualBox's: shown escaped.
        let odd = try MachineChange.parsePlan("destroy web-2 p-web-2\u{1B}[2J", group: "web")
        #expect(odd.first?.summary == "destroy web-2 (VM p-web-2\\x1b[2J)")
    }

    @Test("orphan lines: the VM's name may hold spaces; the summary names the node, the VM and the group no longer in the specs")
    func orphanLines() throws {
        let orphans = try MachineChange.parseOrphans(
            "orphan p-old-1 0b6a2c7e-1 vbox old 1\norphan renamed by hand 0b6a2c7e-2 vbox old 2\n")
        #expect(orphans.count == 2)
        #expect(orphans[0] == MachineChange(action: .destroyOrphan, group: "old", node: "old-1", vm: "p-old-1", uuid: "0b6a2c7e-1", service: "vbox"))
        #expect(orphans[1].vm == "renamed by hand")
        #expect(orphans[1].uuid == "0b6a2c7e-2")
        #expect(orphans[0].summary == "destroy orphan old-1 (VM p-old-1, service vbox, group old, no longer in the specs)")
        #expect(throws: ProvisionScript.Failure.self) { try MachineChange.parseOrphans("orphan p-old-1 uuid vbox old") }
        #expect(throws: ProvisionScript.Failure.self) { try MachineChange.parseOrphans("vm p-old-1 uuid vbox old 1") }
    }

    @Test("node lines: running with address, stopped, half-built; an address that is not an address is rejected, never a target")
    func nodeLines() throws {
        let nodes = try ReportedNode.parse("""
            node web-1 1 192.168.56.101 22 0
            node web-2 2 192.168.56.102 2222 1
            stopped web-3 3 poweroff
            half-built web-4 4
            node web-5 5 -oProxyCommand=touch${IFS}/tmp/x 22 0
            """, group: "web")
        #expect(nodes.map(\.name) == ["web-1", "web-2", "web-3", "web-4", "web-5"])
        #expect(nodes[0].state == .running(address: "192.168.56.101", port: 22, new: false))
        #expect(nodes[1].state == .running(address: "192.168.56.102", port: 2222, new: true))
        #expect(nodes[2].state == .stopped("poweroff"))
        #expect(nodes[3].state == .halfBuilt)
        guard case .rejected(let reason) = nodes[4].state else {
            Issue.record("a hostile address was accepted: \(nodes[4])")
            return
        }
        #expect(reason.contains("VM web-5 reported the address '-oProxyCommand=touch${IFS}/tmp/x'"))
        for bad in ["node web-1 1 10.0.0.1 22", "node web-1 2 10.0.0.1 22 0", "node web-1 1 10.0.0.1 0 0", "node ../x 1 10.0.0.1 22 0",
                    "node web-1 1 10.0.0.1 22 yes", "stopped web-1 1", "half-built web-1", "running web-1 1 10.0.0.1 22 0"] {
            #expect(throws: ProvisionScript.Failure.self, "\(bad)") { try ReportedNode.parse(bad, group: "web") }
        }
    }

    @Test("a failing script's error lines are what is shown, escaped; without one, its last lines")
    func errorLines() {
        let stderr = Array("""
            provision web: creating p-web-1
            provision web: error: VBoxManage createvm --name p-web-1 failed (exit 1):
              VBoxManage: error: Machine settings file '/x' already exists\u{1B}[2J
              VBoxManage: error: Details: code VBOX_E_FILE_ERROR
            some other line
              indented, but not after an error

            """.utf8)
        let errors = ProvisionScript.errorLines(stderr, failed: true)
        #expect(errors == ["provision web: error: VBoxManage createvm --name p-web-1 failed (exit 1): VBoxManage: error: Machine settings file "
            + "'/x' already exists\\x1b[2J VBoxManage: error: Details: code VBOX_E_FILE_ERROR"])
        #expect(ProvisionScript.errorLines(Array("a\nb\nc\nd\n".utf8), failed: true) == ["b", "c", "d"])
        #expect(ProvisionScript.errorLines(Array("a\nb\n".utf8), failed: false).isEmpty)
        let output = ProvisionScript.Output(status: 1, standardOutput: "", errors: errors, launchError: nil)
        #expect(output.failure(log: "L").hasPrefix("provisioning failed: provision web: error: VBoxManage createvm"))
        #expect(output.failure(log: "L").hasSuffix("(log: L)"))
    }

    /// A project whose out/ holds a plan with virtualbox groups `web` (count 2) and `old-style`
    /// (count 1) and a hosts group, stand-in scripts that print `fixtures[subcommand]` and log
    /// their arguments to `calls`, and an orphans script.
    struct FakeProject {
        let project: TemporaryProject
        var calls: String { project.root + "/calls" }

        init(fixtures: [String: String], orphans: String = "") throws {
            project = try TemporaryProject()
            func group(_ name: String, provider: String, count: Int) -> String {
                let provision = provider == "virtualbox" ? #", "provision": "provision/vbox/\#(name).sh""# : ""
                return #"{"name": "\#(name)", "service": "\#(provider == "virtualbox" ? "vbox" : "lab")", "provider": "\#(provider)", "count": \#(count), "after": [], "chain": [], "nodes": [], "bundles": []\#(provision)}"#
            }
            try project.write("out/plan.json", """
                {"format": 1, "generator": "test", "inputs": {"digest": "", "method": "", "files": []},
                 "admin-user": {"username": "admin"}, "project": "p", "orphans": "provision/orphans.sh",
                 "groups": [\(group("web", provider: "virtualbox", count: 2)), \(group("old-style", provider: "virtualbox", count: 1)),
                            \(group("db", provider: "hosts", count: 0))]}
                """)
            for name in ["web", "old-style"] {
                var cases = ""
                for (subcommand, text) in fixtures.sorted(by: { $0.key < $1.key }) {
                    cases += "  '\(subcommand)') printf '%s' '\(text.replacingOccurrences(of: "GROUP", with: name))' ;;\n"
                }
                try project.write("out/provision/vbox/\(name).sh", """
                    printf '%s %s\\n' \(name) "$*" >> '\(calls)'
                    case "$1${2:+ $2}" in
                    \(cases)  *) printf 'provision \(name): error: VBoxManage showvminfo p-\(name)-9 failed (exit 1): no such VM\\n' >&2; exit 1 ;;
                    esac

                    """)
            }
            try project.write("out/provision/orphans.sh", """
                printf 'orphans %s\\n' "$*" >> '\(calls)'
                case $1 in list) printf '%s' '\(orphans)' ;; destroy-all) ;; *) exit 1 ;; esac

                """)
        }

        var plan: LoadedPlan { get throws { try LoadedPlan(outDirectory: project.root + "/out") } }

        func stage() throws -> MachineStage {
            MachineStage(plan: try plan, runDirectory: project.root + "/run", knownHostsFile: nil, home: project.root)
        }

        func recorded() -> [String] {
            ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
    }

    static let fixtures = [
        "plan 2": "keep GROUP-1 p-GROUP-1\ncreate GROUP-2 p-GROUP-2\n",
        "plan 1": "keep GROUP-1 p-GROUP-1\ndestroy GROUP-2 p-GROUP-2\n",
        "converge 2": "node GROUP-1 1 127.0.0.5 22 0\nnode GROUP-2 2 127.0.0.6 22 1\n",
        "converge 1": "node GROUP-1 1 127.0.0.7 22 0\n",
        "nodes": "node GROUP-1 1 127.0.0.5 22 0\nstopped GROUP-2 2 poweroff\nhalf-built GROUP-3 3\n",
        "destroy 2": "", "destroy-all": "",
    ]

    @Test("apply --check: plan COUNT, nodes and the orphans' list only; changes listed, running nodes become targets")
    func preview() async throws {
        let fake = try FakeProject(fixtures: Self.fixtures, orphans: "orphan p-gone-1 u-1 vbox gone 1\n")
        defer { fake.project.remove() }
        let outcome = try await fake.stage().run(.preview, groups: [], nodes: [], say: { _ in })
        #expect(fake.recorded() == ["web plan 2", "web nodes", "old-style plan 1", "old-style nodes", "orphans list"])
        #expect(outcome.changes.filter(\.changesMachine).map(\.summary) == [
            "create web-2 (VM p-web-2)", "destroy old-style-2 (VM p-old-style-2)",
            "destroy orphan gone-1 (VM p-gone-1, service vbox, group gone, no longer in the specs)"])
        #expect(outcome.targets["web"]?.map(\.name) == ["web-1"])
        #expect(outcome.targets["web"]?.first?.address == "127.0.0.5")
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.notices == ["no phase diff for web-2: not running yet"])
    }

    @Test("apply: plan then converge per group, then the orphans' list and destroy-all; created nodes are reported")
    func converge() async throws {
        let fake = try FakeProject(fixtures: Self.fixtures, orphans: "orphan p-gone-1 u-1 vbox gone 1\n")
        defer { fake.project.remove() }
        let said = LineCollector()
        let outcome = try await fake.stage().run(.converge, groups: [], nodes: [], say: { said.add($0) })
        #expect(fake.recorded() == ["web plan 2", "web converge 2", "old-style plan 1", "old-style converge 1", "orphans list", "orphans destroy-all"])
        #expect(outcome.created == ["web-2"])
        #expect(outcome.targets["web"]?.map(\.address) == ["127.0.0.5", "127.0.0.6"])
        #expect(outcome.targets["old-style"]?.map(\.name) == ["old-style-1"])
        #expect(said.lines == ["create web-2 (VM p-web-2)", "destroy old-style-2 (VM p-old-style-2)",
                               "destroy orphan gone-1 (VM p-gone-1, service vbox, group gone, no longer in the specs)"])
    }

    @Test("apply with --group or --node: only the selected groups, and no orphan is listed or destroyed")
    func filtered() async throws {
        let fake = try FakeProject(fixtures: Self.fixtures, orphans: "orphan p-gone-1 u-1 vbox gone 1\n")
        defer { fake.project.remove() }
        _ = try await fake.stage().run(.converge, groups: ["old-style"], nodes: [], say: { _ in })
        _ = try await fake.stage().run(.converge, groups: [], nodes: ["web-1"], say: { _ in })
        #expect(fake.recorded() == ["old-style plan 1", "old-style converge 1", "web plan 2", "web converge 2"])
        #expect(try fake.stage().selectedGroups(groups: [], nodes: ["old-style-3"]).map(\.name) == ["old-style"])
        #expect(try fake.stage().selectedGroups(groups: [], nodes: ["db-1"]).isEmpty)
    }

    @Test("lift: nodes only; stopped and half-built VMs are reported and skipped")
    func discover() async throws {
        let fake = try FakeProject(fixtures: Self.fixtures)
        defer { fake.project.remove() }
        let outcome = try await fake.stage().run(.discover, groups: ["web"], nodes: [], say: { _ in })
        #expect(fake.recorded() == ["web nodes"])
        #expect(outcome.targets["web"]?.map(\.name) == ["web-1"])
        #expect(outcome.notices == ["web-2 is not running (poweroff): skipped", "web-3 is half-built (pallet apply rebuilds it): skipped"])
        #expect(outcome.changes.isEmpty)
    }

    @Test("a group whose plan fails is not converged, and the error is the script's own line")
    func failingPlan() async throws {
        var fixtures = Self.fixtures
        fixtures["plan 2"] = nil
        let fake = try FakeProject(fixtures: fixtures)
        defer { fake.project.remove() }
        let outcome = try await fake.stage().run(.converge, groups: [], nodes: [], say: { _ in })
        #expect(!fake.recorded().contains("web converge 2"))
        #expect(fake.recorded().contains("old-style converge 1"))
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.hasPrefix("group web: provisioning failed: provision web: error: VBoxManage showvminfo p-web-9 failed (exit 1): no such VM") == true,
                "\(outcome.errors)")
    }

    @Test("a signed plan: a provisioning script runs only as the bytes the signature covers, from a private copy")
    func signedScripts() async throws {
        let fake = try FakeProject(fixtures: Self.fixtures)
        defer { fake.project.remove() }
        let out = fake.project.root + "/out"
        var digests: [String: String] = [:]
        for path in ["plan.json", "provision/vbox/web.sh", "provision/vbox/old-style.sh", "provision/orphans.sh"] {
            digests[path] = SHA256.hexDigest([UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + path))))
        }
        let plan = try LoadedPlan(outDirectory: out, signedDigests: digests)
        let stage = MachineStage(plan: plan, runDirectory: fake.project.root + "/run", knownHostsFile: nil, home: fake.project.root)
        let signed = await stage.run(.discover, groups: ["web"], nodes: [], say: { _ in })
        #expect(signed.errors.isEmpty, "\(signed.errors)")
        #expect(fake.recorded() == ["web nodes"])
        let copy = fake.project.root + "/run/provision/vbox/web.sh"
        #expect(FileManager.default.contents(atPath: copy) == FileManager.default.contents(atPath: out + "/provision/vbox/web.sh"))

        // out/ changed after the signature was checked: the script does not run.
        try fake.project.write("out/provision/vbox/web.sh", "touch '\(fake.project.root)/tampered'\n")
        let tampered = await stage.run(.discover, groups: ["web"], nodes: [], say: { _ in })
        #expect(tampered.errors.count == 1 && tampered.errors[0].contains("changed after its signature was checked"), "\(tampered.errors)")
        #expect(!FileManager.default.fileExists(atPath: fake.project.root + "/tampered"))
        #expect(fake.recorded() == ["web nodes"])
    }

    @Test("destroy: selection by group and node, hosts groups have nothing to destroy, unknown names are errors")
    func teardown() async throws {
        let fake = try FakeProject(fixtures: Self.fixtures, orphans: "orphan p-gone-1 u-1 vbox gone 1\n")
        defer { fake.project.remove() }
        let teardown = MachineTeardown(plan: try fake.plan, runDirectory: fake.project.root + "/run", home: fake.project.root)
        let all = try teardown.select(groups: [], nodes: [])
        #expect(all.parts.map(\.provisioner.group.name) == ["web", "old-style"])
        #expect(all.orphans != nil)
        #expect(all.notices == ["group db is a hosts group: nothing to destroy"])
        let listed = await teardown.inventory(all)
        #expect(listed.vms == ["web-1 (running)", "web-2 (poweroff)", "web-3 (half-built)", "old-style-1 (running)", "old-style-2 (poweroff)",
                               "old-style-3 (half-built)", "orphan gone-1 (VM p-gone-1, service vbox, group gone, no longer in the specs)"])
        #expect(await teardown.run(all).isEmpty)
        #expect(fake.recorded().suffix(3) == ["web destroy-all", "old-style destroy-all", "orphans destroy-all"])

        let one = try teardown.select(groups: [], nodes: ["web-2"])
        #expect(one.orphans == nil)
        #expect(await teardown.inventory(one).vms == ["web-2 (poweroff)"])
        #expect(await teardown.run(one).isEmpty)
        #expect(fake.recorded().last == "web destroy 2")
        #expect(throws: ProvisionScript.Failure.self) { try teardown.select(groups: ["gone"], nodes: []) }
        #expect(throws: ProvisionScript.Failure.self) { try teardown.select(groups: ["web"], nodes: ["old-style-1"]) }
    }
}

/// Lines a callback received.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func add(_ line: String) { lock.withLock { collected.append(line) } }

    var lines: [String] { lock.withLock { collected } }
}
