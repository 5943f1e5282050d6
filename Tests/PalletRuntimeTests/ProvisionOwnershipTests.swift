import Foundation
import PalletTestSupport
import Testing

/// The provisioning scripts against the VBoxManage simulator: a VM is pallet's only when it
/// carries this project's identity; anything else is never modified, started, stopped or
/// destroyed, and only the disk pallet attached is ever deleted.
@Suite("Provisioning scripts own only their VMs", .serialized)
struct ProvisionOwnershipTests {
    /// A folder with the simulator's state, a base disk, and the scripts of projects.
    final class Lab {
        let folder: TemporaryProject
        let environment: [String: String]
        var base: String { folder.root + "/base.vdi" }
        var calls: String { folder.root + "/vbox/calls.log" }

        init(bridged: String? = nil) throws {
            folder = try TemporaryProject()
            try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: folder.root + "/base.vdi"))
            var environment = [
                "PATH": SimulatedVirtualBox.simulatorFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "VBOXSIM_HOME": folder.root + "/vbox", "HOME": folder.root, "VBOXSIM_LOCK_SECONDS": "0.1",
            ]
            if let bridged { environment["VBOXSIM_BRIDGED"] = bridged }
            self.environment = environment
        }

        /// Compiles a project named `project` with one group `web` of service `vbox` and writes
        /// its group script and orphans.sh as `<project>-web.sh` and `<project>-orphans.sh`.
        func scripts(project: String, network: String = "nat", groups: [String] = ["web"]) throws {
            let groupLines = groups.map { "  \($0): {service: vbox, node: n, count: 1}" }.joined(separator: "\n")
            let (tree, errors) = try compile(["specs/a.yaml": """
                project: \(project)
                services:
                  vbox:
                    provider: virtualbox
                    node-path: ~/vms
                    images: {img: {disk: \(base), os-type: Debian_64}}
                    network: \(network)
                nodes:
                  n: {image: img, hardware: small}
                groups:
                \(groupLines)
                """])
            #expect(errors.isEmpty, "\(errors)")
            for group in groups {
                try folder.write("\(project)-\(group).sh", try #require(tree?.text("provision/vbox/\(group).sh")))
            }
            try folder.write("\(project)-orphans.sh", try #require(tree?.text("provision/orphans.sh")))
        }

        func run(_ script: String, _ arguments: String...) throws -> ProcessResult {
            try ProcessRunner.run(["bash", folder.root + "/" + script] + arguments, environment: environment)
        }

        func vbox(_ arguments: String...) throws -> ProcessResult {
            try ProcessRunner.run(["VBoxManage"] + arguments, environment: environment)
        }

        /// "NAME UUID" of every VM, sorted by name.
        func vms() throws -> [String] {
            try vbox("list", "vms").stdout.split(separator: "\n").map { line in
                line.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
            }.sorted()
        }

        /// The calls logged since `mark` (a length of calls.log).
        func callsSince(_ mark: Int) throws -> [String] {
            let text = try String(contentsOfFile: calls, encoding: .utf8)
            return text.utf8.dropFirst(mark).split(separator: UInt8(ascii: "\n")).compactMap { String($0) }
        }

        func mark() -> Int { ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").utf8.count }

        /// A VM pallet never made, with a disk of its own attached directly.
        func foreignVM(_ name: String) throws -> String {
            let created = try vbox("createvm", "--name", name, "--register")
            #expect(created.status == 0, "\(created.combined)")
            try Data(repeating: 1, count: 512).write(to: URL(fileURLWithPath: folder.root + "/\(name).vdi"))
            #expect(try vbox("storagectl", name, "--name", "SATA", "--add", "sata").status == 0)
            #expect(try vbox("storageattach", name, "--storagectl", "SATA", "--port", "0", "--device", "0", "--type", "hdd",
                             "--medium", folder.root + "/\(name).vdi").status == 0)
            return created.stdout.split(separator: "\n").first { $0.hasPrefix("UUID: ") }.map { String($0.dropFirst(6)) } ?? ""
        }
    }

    @Test("two projects with the same service and group names never see each other's VMs")
    func twoProjects() throws {
        let lab = try Lab()
        defer { lab.folder.remove() }
        try lab.scripts(project: "alpha")
        try lab.scripts(project: "beta")
        #expect(try lab.run("alpha-web.sh", "converge", "2").status == 0)
        let beta = try lab.run("beta-web.sh", "converge", "2")
        #expect(beta.status == 0, "\(beta.combined)")
        let before = try lab.vms()
        #expect(before.map { $0.split(separator: " ")[0] } == ["alpha-web-1", "alpha-web-2", "beta-web-1", "beta-web-2"])
        let alphaUUIDs = before.filter { $0.hasPrefix("alpha-") }.map { String($0.split(separator: " ")[1]) }

        let mark = lab.mark()
        let shrink = try lab.run("beta-web.sh", "converge", "1")
        #expect(shrink.status == 0, "\(shrink.combined)")
        #expect(try lab.vms().map { $0.split(separator: " ")[0] } == ["alpha-web-1", "alpha-web-2", "beta-web-1"])
        for call in try lab.callsSince(mark) where call.contains("\"mutates\": true") {
            for uuid in alphaUUIDs { #expect(!call.contains(uuid), "beta changed an alpha VM: \(call)") }
            #expect(!call.contains("alpha-web"), "\(call)")
        }
        // Each project's orphans are its own: beta's script sees no alpha VM as an orphan.
        try lab.scripts(project: "beta", groups: ["db"])
        let orphans = try lab.run("beta-orphans.sh", "list")
        #expect(orphans.status == 0, "\(orphans.combined)")
        #expect(orphans.stdout.hasPrefix("orphan beta-web-1 "), "\(orphans.stdout)")
        #expect(!orphans.stdout.contains("alpha"))
    }

    @Test("a VM that is not ours with one of our names stops the group before any change; it and its disk are never touched")
    func foreignNameCollision() throws {
        let lab = try Lab()
        defer { lab.folder.remove() }
        try lab.scripts(project: "alpha")
        let foreign = try lab.foreignVM("alpha-web-2")
        #expect(try lab.run("alpha-web.sh", "converge", "1").status == 0, "index 2 is not wanted: no collision")

        for command in ["plan", "converge"] {
            let mark = lab.mark()
            let run = try lab.run("alpha-web.sh", command, "2")
            #expect(run.status == 1)
            #expect(run.stderr.contains("provision web: error: the VM 'alpha-web-2' {\(foreign)} has the name of node web-2 but is not this project's (it carries no pallet project); pallet never touches it"),
                    "\(run.stderr)")
            #expect(try lab.callsSince(mark).allSatisfy { $0.contains("\"mutates\": false") }, "\(command) changed something")
        }
        // Shrinking to 0 destroys ours only; destroy-all and destroy 2 leave the foreign VM alone.
        #expect(try lab.run("alpha-web.sh", "destroy", "2").status == 0)
        #expect(try lab.run("alpha-web.sh", "converge", "0").status == 0)
        #expect(try lab.run("alpha-web.sh", "destroy-all").status == 0)
        #expect(try lab.vms() == ["alpha-web-2 \(foreign)"])
        #expect(FileManager.default.fileExists(atPath: lab.folder.root + "/alpha-web-2.vdi"))
        #expect(FileManager.default.fileExists(atPath: lab.base), "the base disk stays")
        // A VM of another project with our name is named as such.
        #expect(try lab.vbox("setextradata", foreign, "pallet/project", "other").status == 0)
        let other = try lab.run("alpha-web.sh", "plan", "2")
        #expect(other.stderr.contains("(it belongs to project 'other')"), "\(other.stderr)")
    }

    @Test("destroy deletes the VM's own differencing disk only: a disk someone attached to it stops the destroy, the base stays")
    func onlyOurMedia() throws {
        let lab = try Lab()
        defer { lab.folder.remove() }
        try lab.scripts(project: "alpha")
        #expect(try lab.run("alpha-web.sh", "converge", "1").status == 0)
        let ours = try lab.vbox("showvminfo", "alpha-web-1", "--machinereadable").stdout
        let diff = try #require(ours.split(separator: "\n").first { $0.hasPrefix("\"SATA-0-0\"=") }).split(separator: "=")[1]
            .replacingOccurrences(of: "\"", with: "")
        #expect(diff != lab.base && FileManager.default.fileExists(atPath: diff))

        // Someone's data disk, attached to our VM.
        try Data(repeating: 2, count: 512).write(to: URL(fileURLWithPath: lab.folder.root + "/data.vdi"))
        #expect(try lab.vbox("controlvm", "alpha-web-1", "poweroff").status == 0)
        usleep(300_000)
        #expect(try lab.vbox("storagectl", "alpha-web-1", "--name", "DATA", "--add", "sata").status == 0)
        #expect(try lab.vbox("storageattach", "alpha-web-1", "--storagectl", "DATA", "--port", "0", "--device", "0", "--type", "hdd",
                             "--medium", lab.folder.root + "/data.vdi").status == 0)
        let refused = try lab.run("alpha-web.sh", "destroy", "1")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("alpha-web-1 has a medium pallet did not attach"), "\(refused.stderr)")
        #expect(try lab.vms().count == 1)

        #expect(try lab.vbox("storageattach", "alpha-web-1", "--storagectl", "DATA", "--port", "0", "--device", "0", "--medium", "none").status == 0)
        let destroyed = try lab.run("alpha-web.sh", "destroy", "1")
        #expect(destroyed.status == 0, "\(destroyed.combined)")
        #expect(try lab.vms().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: diff), "pallet's own disk is deleted")
        #expect(FileManager.default.fileExists(atPath: lab.folder.root + "/data.vdi"), "someone else's disk is not")
        #expect(FileManager.default.fileExists(atPath: lab.base), "the base disk stays")
    }

    @Test("plan reads only; a half-built VM (no 'ready') is rebuilt; a locked VM's failure prints the VBoxManage command and VirtualBox's message")
    func planHalfBuiltAndErrors() throws {
        let lab = try Lab()
        defer { lab.folder.remove() }
        try lab.scripts(project: "alpha")
        let mark = lab.mark()
        let plan = try lab.run("alpha-web.sh", "plan", "2")
        #expect(plan.stdout == "create web-1 alpha-web-1\ncreate web-2 alpha-web-2\n", "\(plan.combined)")
        #expect(try lab.callsSince(mark).allSatisfy { $0.contains("\"mutates\": false") })

        #expect(try lab.run("alpha-web.sh", "converge", "2").status == 0)
        #expect(try lab.vbox("setextradata", "alpha-web-2", "pallet/ready").status == 0)
        #expect(try lab.run("alpha-web.sh", "plan", "1").stdout == "destroy web-2 alpha-web-2\nkeep web-1 alpha-web-1\n")
        #expect(try lab.run("alpha-web.sh", "plan", "2").stdout == "keep web-1 alpha-web-1\nrebuild web-2 alpha-web-2\n")
        let old = try lab.vms()
        let rebuilt = try lab.run("alpha-web.sh", "converge", "2")
        #expect(rebuilt.status == 0, "\(rebuilt.combined)")
        #expect(rebuilt.stderr.contains("alpha-web-2 was left half-built; rebuilding it"))
        #expect(rebuilt.stdout.contains("node web-2 2 127.0.0.1 2202 1\n"), "\(rebuilt.stdout)")
        #expect(try lab.vms() != old)

        var locked = lab.environment
        locked["VBOXSIM_LOCKED"] = "alpha-web-2"
        let failing = try ProcessRunner.run(["bash", lab.folder.root + "/alpha-web.sh", "converge", "1"], environment: locked)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("provision web: error: VBoxManage unregistervm "), "\(failing.stderr)")
        #expect(failing.stderr.contains("  VBoxManage: error: Cannot unregister the machine 'alpha-web-2' while it is locked"), "\(failing.stderr)")
    }

    @Test("a VBoxManage that cannot list the VMs stops plan, converge, destroy and the orphan scan with its message; it is never read as 'no VMs'")
    func listFailureStops() throws {
        let lab = try Lab()
        defer { lab.folder.remove() }
        try lab.scripts(project: "alpha")
        #expect(try lab.run("alpha-web.sh", "converge", "1").status == 0)
        // A VBoxManage whose `list vms` fails the way VirtualBox does when its service is down.
        try lab.folder.write("broken/VBoxManage", """
            #!/bin/bash
            if [[ $1 == list && $2 == vms ]]; then
              echo "VBoxManage: error: Failed to create the VirtualBox object!" >&2
              exit 1
            fi
            exec "\(SimulatedVirtualBox.simulatorFolder)/VBoxManage" "$@"
            """)
        #expect(chmod(lab.folder.root + "/broken/VBoxManage", 0o755) == 0)
        var broken = lab.environment
        broken["PATH"] = lab.folder.root + "/broken:" + (broken["PATH"] ?? "")
        for arguments in [["alpha-web.sh", "plan", "1"], ["alpha-web.sh", "converge", "2"], ["alpha-web.sh", "destroy", "1"],
                          ["alpha-orphans.sh", "list"]] {
            let result = try ProcessRunner.run(["bash", lab.folder.root + "/" + arguments[0]] + arguments.dropFirst(), environment: broken)
            #expect(result.status == 1, "\(arguments): \(result.combined)")
            #expect(result.stderr.contains("error: VBoxManage list vms failed (exit 1):"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("  VBoxManage: error: Failed to create the VirtualBox object!"), "\(arguments)")
            #expect(!result.stdout.contains("create web-1"), "\(arguments): \(result.stdout)")
        }
        #expect(try lab.vms().count == 1, "the VM is still there")
    }

    @Test("a bridged adapter with no interface named takes the host's first interface that is up; with none up, the list, and no VM")
    func bridgedInterface() throws {
        let lab = try Lab(bridged: "eth0:Down,enp3s0:Up,wlan0:Up")
        defer { lab.folder.remove() }
        try lab.scripts(project: "alpha", network: "bridged")
        var environment = lab.environment
        environment["PALLET_IP_TIMEOUT"] = "1"
        // No guest reports an address here: converge stops at the address, after creating.
        _ = try ProcessRunner.run(["bash", lab.folder.root + "/alpha-web.sh", "converge", "1"], environment: environment)
        let info = try lab.vbox("showvminfo", "alpha-web-1", "--machinereadable").stdout
        #expect(info.contains("bridgeadapter1=\"enp3s0\""), "\(info)")

        let down = try Lab(bridged: "eth0:Down,wlan0:Down")
        defer { down.folder.remove() }
        try down.scripts(project: "alpha", network: "bridged")
        let refused = try down.run("alpha-web.sh", "converge", "1")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no bridgeable host interface is up; name one with 'bridged-interface' in the service. Interfaces: eth0 (Down), wlan0 (Down)"),
                "\(refused.stderr)")
        #expect(try down.vms().isEmpty)
    }
}
