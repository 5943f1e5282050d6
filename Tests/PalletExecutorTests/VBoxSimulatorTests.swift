import Foundation
import PalletTestSupport
import Testing

/// The VBoxManage simulator enforces the VirtualBox rules that provisioning depends on, and the
/// generated provisioning script respects them.
@Suite("VBoxManage simulator and provisioning rules")
struct VBoxSimulatorTests {
    let home: String
    let environment: [String: String]

    init() throws {
        let project = try TemporaryProject()
        home = project.root
        environment = [
            "PATH": RepositoryPaths.root + "/Tests/Support/vbox-sim:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "VBOXSIM_HOME": project.root + "/vbox", "HOME": project.root,
        ]
    }

    @discardableResult
    func vbox(_ arguments: [String], version: String? = nil) throws -> ProcessResult {
        var env = environment
        if let version { env["VBOXSIM_VERSION"] = version }
        return try ProcessRunner.run(["VBoxManage"] + arguments, environment: env)
    }

    func disk(_ name: String) throws -> String {
        let path = home + "/" + name
        try Data(repeating: 1, count: 1024).write(to: URL(fileURLWithPath: path))
        return path
    }

    func makeVM(_ name: String, medium: String) throws {
        #expect(try vbox(["createvm", "--name", name, "--register", "--basefolder", home + "/vms"]).status == 0)
        #expect(try vbox(["storagectl", name, "--name", "SATA", "--add", "sata"]).status == 0)
        #expect(try vbox(["storageattach", name, "--storagectl", "SATA", "--port", "0", "--device", "0", "--type", "hdd", "--medium", medium]).status == 0)
    }

    @Test("a normal disk attached directly is deleted with its VM; a multiattach base survives both its VMs")
    func diskLifetimes() throws {
        let normal = try disk("normal.vdi")
        try makeVM("a", medium: normal)
        #expect(try vbox(["unregistervm", "a", "--delete"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: normal), "vmfest#46: the directly attached disk goes with the VM")

        let base = try disk("base.vdi")
        #expect(try vbox(["modifymedium", "disk", base, "--type", "multiattach"]).status == 0)
        try makeVM("b", medium: base)
        try makeVM("c", medium: base)
        let b = try vbox(["showvminfo", "b", "--machinereadable"]).stdout
        let c = try vbox(["showvminfo", "c", "--machinereadable"]).stdout
        #expect(!b.contains("\"SATA-0-0\"=\"\(base)\"") && !c.contains("\"SATA-0-0\"=\"\(base)\""))
        #expect(b.contains("\"SATA-0-0\"=") && b != c)
        #expect(try vbox(["unregistervm", "b", "--delete"]).status == 0)
        #expect(try vbox(["unregistervm", "c", "--delete"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: base))
    }

    @Test("multiattach is refused while a disk is attached directly; 'multi-attach' is not a type")
    func mediumType() throws {
        let base = try disk("busy.vdi")
        try makeVM("a", medium: base)
        let refused = try vbox(["modifymedium", "disk", base, "--type", "multiattach"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("because it is attached to 1 virtual machines"))
        #expect(try vbox(["modifymedium", "disk", try disk("x.vdi"), "--type", "multi-attach"]).status == 1)
    }

    @Test("unregistervm is refused while running and right after power-off (lock race)")
    func locks() throws {
        let base = try disk("base.vdi")
        #expect(try vbox(["modifymedium", "disk", base, "--type", "multiattach"]).status == 0)
        try makeVM("a", medium: base)
        #expect(try vbox(["startvm", "a", "--type", "headless"]).status == 0)
        #expect(try vbox(["unregistervm", "a", "--delete"]).stderr.contains("while it is locked"))
        #expect(try vbox(["modifyvm", "a", "--memory", "256"]).status == 1)
        #expect(try vbox(["controlvm", "a", "poweroff"]).status == 0)
        #expect(try vbox(["unregistervm", "a", "--delete"]).status == 1)
        usleep(600_000)
        #expect(try vbox(["unregistervm", "a", "--delete"]).status == 0)
    }

    @Test("the clipboard option is spelled per version")
    func clipboard() throws {
        try makeVM("a", medium: try disk("d.vdi"))
        #expect(try vbox(["modifyvm", "a", "--clipboard-mode", "disabled"], version: "6.0.24").status == 1)
        #expect(try vbox(["modifyvm", "a", "--clipboard", "disabled"], version: "6.0.24").status == 0)
        #expect(try vbox(["modifyvm", "a", "--clipboard", "disabled"], version: "6.1.2").status == 1)
        #expect(try vbox(["modifyvm", "a", "--clipboard-mode", "disabled"], version: "6.1.2").status == 0)
        #expect(try vbox(["modifyvm", "a", "--clipboard", "disabled"], version: "7.0.14").status == 0)
    }

    @Test("guestproperty wait: exit 0 on timeout, 2 with --fail-on-timeout; '--timeout=N' is a syntax error")
    func guestPropertyWait() throws {
        try makeVM("a", medium: try disk("d.vdi"))
        #expect(try vbox(["guestproperty", "wait", "a", "/VirtualBox/*", "--timeout", "200"]).status == 0)
        #expect(try vbox(["guestproperty", "wait", "a", "/VirtualBox/*", "--timeout", "200", "--fail-on-timeout"]).status == 2)
        #expect(try vbox(["guestproperty", "wait", "a", "/VirtualBox/*", "--timeout=200"]).status == 1)
        #expect(try vbox(["guestproperty", "get", "a", "/nothing"]).stdout == "No value set!\n")
    }

    @Test("provisioning refuses a base disk it cannot make multiattach, and the disk survives")
    func provisioningGuard() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": """
            admin-user: {username: admin}
            services:
              vbox:
                provider: virtualbox
                node-path: \(home)/vms
                images:
                  img: {disk: \(home)/base.vdi}
            nodes:
              n: {image: img}
            groups:
              g: {service: vbox, node: n, count: 1}
            """])
        defer { project.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        let base = try disk("base.vdi")
        try makeVM("other", medium: base)  // attached directly elsewhere: multiattach is refused
        let script = project.root + "/out/provision/vbox/g.sh"
        let run = try ProcessRunner.run(["bash", script, "create", "1"], environment: environment.merging(["PALLET_IP_TIMEOUT": "1"]) { $1 })
        #expect(run.status != 0)
        #expect(run.stderr.contains("because it is attached to 1 virtual machines"), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: base))
        let calls = try String(contentsOfFile: home + "/vbox/calls.log", encoding: .utf8)
        #expect(!calls.contains("\"storageattach\", \"g-1\""), "the base must never be attached before it is multiattach")
        #expect(calls.split(separator: "\n").filter { $0.contains("\"g-1\"") || $0.contains("modifymedium") }
            .allSatisfy { $0.contains("\"LANG\": \"C\"") && $0.contains("\"LC_ALL\": \"C\"") })
    }
}
