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
    func vbox(_ arguments: [String], version: String? = nil, extra: [String: String] = [:]) throws -> ProcessResult {
        var env = environment.merging(extra) { $1 }
        if let version { env["VBOXSIM_VERSION"] = version }
        return try ProcessRunner.run(["VBoxManage"] + arguments, environment: env)
    }

    /// The value of `key` in VBoxManage output, in either the `Key:   value` or the machine-readable
    /// `key="value"` / `"key"="value"` form; the first match.
    func field(_ output: String, _ key: String) -> String? {
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(key + ":") {
                return String(line.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces)
            }
            for prefix in [key + "=", "\"" + key + "\"="] where line.hasPrefix(prefix) {
                let value = line.dropFirst(prefix.count)
                return value.hasPrefix("\"") ? String(value.dropFirst().dropLast()) : String(value)
            }
        }
        return nil
    }

    func disk(_ name: String) throws -> String {
        let path = home + "/" + name
        try Data(repeating: 1, count: 1024).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Creates and registers a VM with a SATA controller and `medium` on port 0; returns its UUID.
    @discardableResult
    func makeVM(_ name: String, medium: String, basefolder: String? = nil) throws -> String {
        let created = try vbox(["createvm", "--name", name, "--register", "--basefolder", basefolder ?? home + "/vms"])
        #expect(created.status == 0, "\(created.combined)")
        let id = field(created.stdout, "UUID") ?? ""
        #expect(try vbox(["storagectl", id, "--name", "SATA", "--add", "sata"]).status == 0)
        #expect(try vbox(["storageattach", id, "--storagectl", "SATA", "--port", "0", "--device", "0", "--type", "hdd", "--medium", medium]).status == 0)
        return id
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
            project: p
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
        #expect(!calls.contains("\"createvm\", \"--name\", \"p-g-1\""), "no VM is created, so the base is never attached, before it is multiattach")
        #expect(calls.split(separator: "\n").filter { $0.contains("\"p-g-1\"") || $0.contains("modifymedium") }
            .allSatisfy { $0.contains("\"LANG\": \"C\"") && $0.contains("\"LC_ALL\": \"C\"") })
    }
    @Test("duplicate VM names are allowed and a name means the first registered; a UUID names exactly one VM")
    func duplicateNamesAndUUIDs() throws {
        let first = try vbox(["createvm", "--name", "dup", "--groups", "/p/web", "--basefolder", home + "/a", "--register"])
        #expect(first.status == 0, "\(first.combined)")
        let firstID = field(first.stdout, "UUID") ?? ""
        let settings = home + "/a/p/web/dup/dup.vbox"
        #expect(first.stdout == "Virtual machine 'dup' is created and registered.\nUUID: \(firstID)\nSettings file: '\(settings)'\n")
        #expect(FileManager.default.fileExists(atPath: settings), "the group is part of the path under --basefolder too")
        let second = try vbox(["createvm", "--name", "dup", "--basefolder", home + "/b", "--register"])
        #expect(second.status == 0, "VirtualBox refuses only an existing settings file, not a name: \(second.combined)")
        let secondID = field(second.stdout, "UUID") ?? ""
        #expect(!secondID.isEmpty && secondID != firstID)
        let again = try vbox(["createvm", "--name", "dup", "--groups", "/p/web", "--basefolder", home + "/a", "--register"])
        #expect(again.status == 1 && again.stderr.contains("VBoxManage: error: Machine settings file '\(settings)' already exists"))

        #expect(try vbox(["list", "vms"]).stdout == "\"dup\" {\(firstID)}\n\"dup\" {\(secondID)}\n")
        #expect(field(try vbox(["showvminfo", "dup", "--machinereadable"]).stdout, "UUID") == firstID)
        #expect(try vbox(["modifyvm", secondID, "--memory", "512"]).status == 0)
        #expect(try vbox(["setextradata", "{\(secondID)}", "pallet/project", "x"]).status == 0)
        let info = try vbox(["showvminfo", secondID, "--machinereadable"]).stdout
        #expect(field(info, "memory") == "512" && field(info, "CfgFile") == home + "/b/dup/dup.vbox" && field(info, "groups") == "/")
        #expect(field(try vbox(["showvminfo", "dup", "--machinereadable"]).stdout, "memory") == "128")
        #expect(try vbox(["getextradata", "dup", "pallet/project"]).stdout == "No value set!\n")
        #expect(try vbox(["getextradata", secondID, "pallet/project"]).stdout == "Value: x\n")
        let missing = try vbox(["showvminfo", "00000000-0000-4000-8000-000000000000"])
        #expect(missing.status == 1 && missing.stderr.contains("VBoxManage: error: Could not find a registered machine with UUID {00000000-0000-4000-8000-000000000000}"))
        #expect(missing.stderr.contains("VBOX_E_OBJECT_NOT_FOUND"))
    }

    @Test("a session lock pinned by VBOXSIM_LOCKED (name or UUID) refuses every change with VirtualBox's message; others are free")
    func pinnedLocks() throws {
        let a = try makeVM("a", medium: try disk("a.vdi"))
        let b = try makeVM("b", medium: try disk("b.vdi"))
        for pin in ["a", a, "{\(a)}", "other,a"] {
            let lock = ["VBOXSIM_LOCKED": pin]
            let modify = try vbox(["modifyvm", a, "--memory", "256"], extra: lock)
            #expect(modify.status == 1 && modify.stderr.contains("VBoxManage: error: The machine 'a' is already locked for a session (or being unlocked)"), "\(pin): \(modify.stderr)")
            #expect(modify.stderr.contains("VBOX_E_INVALID_OBJECT_STATE"))
            #expect(try vbox(["storagectl", "a", "--name", "IDE", "--add", "ide"], extra: lock).status == 1)
            #expect(try vbox(["storageattach", "a", "--storagectl", "SATA", "--port", "0", "--device", "0", "--medium", "none"], extra: lock).status == 1)
            let unregister = try vbox(["unregistervm", "a"], extra: lock)
            #expect(unregister.status == 1 && unregister.stderr.contains("VBoxManage: error: Cannot unregister the machine 'a' while it is locked"))
            #expect(try vbox(["startvm", "a", "--type", "headless"], extra: lock).stderr.contains("is already locked by a session"))
            #expect(try vbox(["modifyvm", b, "--memory", "256"], extra: lock).status == 0)
            #expect(try vbox(["showvminfo", "a", "--machinereadable"], extra: lock).status == 0, "reads need no lock")
        }
        #expect(try vbox(["list", "vms"]).stdout.contains("\"a\" {\(a)}"), "nothing was unregistered while pinned")
        #expect(try vbox(["unregistervm", "a"]).status == 0)
    }

    @Test("list bridgedifs prints VirtualBox's blocks from VBOXSIM_BRIDGED, one 'eth0' Up by default")
    func bridgedInterfaces() throws {
        let keys = ["Name", "GUID", "DHCP", "IPAddress", "NetworkMask", "IPV6Address", "IPV6NetworkMaskPrefixLength",
                    "HardwareAddress", "MediumType", "Wireless", "Status", "VBoxNetworkName"]
        func blocks(_ output: String) -> [[String]] {
            output.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { $0.split(separator: "\n").map(String.init) }
        }
        let standard = try vbox(["list", "bridgedifs"])
        #expect(standard.status == 0 && standard.stdout.hasSuffix("\n\n"))
        #expect(blocks(standard.stdout).count == 1)
        #expect(blocks(standard.stdout).first?.map { String($0.prefix { $0 != ":" }) } == keys)
        #expect(standard.stdout.hasPrefix("Name:            eth0\n"))
        #expect(field(standard.stdout, "Status") == "Up" && field(standard.stdout, "VBoxNetworkName") == "HostInterfaceNetworking-eth0")

        let two = try vbox(["list", "bridgedifs"], extra: ["VBOXSIM_BRIDGED": "eth0:Down,wlan0:Up"])
        let parsed = blocks(two.stdout)
        #expect(parsed.count == 2 && two.stdout.contains("VBoxNetworkName: HostInterfaceNetworking-eth0\n\nName:            wlan0\n"))
        #expect(parsed.map { field($0.joined(separator: "\n"), "Status") } == ["Down", "Up"])
        #expect(parsed.map { field($0.joined(separator: "\n"), "Wireless") } == ["No", "Yes"])
        #expect(try vbox(["list", "bridgedifs"], extra: ["VBOXSIM_BRIDGED": ""]).stdout.isEmpty)
    }

    @Test("calls.log records every call's argv with mutates true or false, so a test can assert only reads happened")
    func callsLogMutates() throws {
        let base = try disk("base.vdi")
        let id = try makeVM("a", medium: base)
        let log = home + "/vbox/calls.log"
        try Data().write(to: URL(fileURLWithPath: log))
        let reads: [[String]] = [["--version"], ["list", "vms"], ["list", "hdds"], ["list", "bridgedifs"], ["showvminfo", id, "--machinereadable"],
                                 ["showmediuminfo", "disk", base], ["showhdinfo", base], ["getextradata", id, "pallet/project"], ["guestproperty", "get", id, "/x"],
                                 ["guestproperty", "enumerate", id], ["showvminfo", "nonexistent"]]
        let writes: [[String]] = [["setextradata", id, "k", "v"], ["modifyvm", id, "--memory", "256"], ["guestproperty", "unset", id, "/x"],
                                  ["storageattach", id, "--storagectl", "SATA", "--port", "0", "--device", "0", "--medium", "none"],
                                  ["closemedium", "disk", base], ["unregistervm", id], ["frobnicate"]]
        for call in reads + writes { try vbox(call) }
        struct Line: Decodable { let argv: [String]; let mutates: Bool }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        #expect(lines.map(\.argv) == reads + writes)
        #expect(lines.map(\.mutates) == reads.map { _ in false } + writes.map { _ in true })
    }
}
