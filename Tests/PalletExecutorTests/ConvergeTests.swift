import Foundation
import PalletTestSupport
import Testing

/// `pallet converge` against the VBoxManage simulator, whose `startvm` brings up a real test
/// host and publishes its address as the guest IP.
@Suite("pallet converge with VirtualBox", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet converge with VirtualBox")))
struct ConvergeTests {
    static let simulator = RepositoryPaths.root + "/Tests/Support/vbox-sim"

    /// Writes the start and stop hooks that turn VMs into test hosts.
    func hooks(in directory: String, publicKey: String) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: directory + "/hosts", withIntermediateDirectories: true)
        let start = directory + "/start-hook"
        let stop = directory + "/stop-hook"
        try """
            #!/usr/bin/env bash
            set -euo pipefail
            "\(TestHostSupport.scriptPath)" up "\(directory)/hosts/$1" auto "$1" --admin admin --pubkey "\(publicKey)" \
                --owner-pid "$PALLET_TEST_PID" >/dev/null
            cat "\(directory)/hosts/$1/address"

            """.write(toFile: start, atomically: true, encoding: .utf8)
        try """
            #!/usr/bin/env bash
            set -euo pipefail
            "\(TestHostSupport.scriptPath)" clean "\(directory)/hosts/$1" >/dev/null 2>&1 || true

            """.write(toFile: stop, atomically: true, encoding: .utf8)
        chmod(start, 0o755)
        chmod(stop, 0o755)
        return [
            "PATH": Self.simulator + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "VBOXSIM_HOME": directory + "/vbox",
            "VBOXSIM_START_HOOK": start,
            "VBOXSIM_STOP_HOOK": stop,
            "PALLET_TEST_PID": String(getpid()),
            "PALLET_IP_TIMEOUT": "20",
            "HOME": directory,
        ]
    }

    func specs(base: String, key: String, web: Int, db: Int) -> String {
        """
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
                - file: {path: /etc/motd, content: "{{ node.name }} of {{ group }}\\n"}
        groups:
          db: {service: vbox, node: small, count: \(db), extends: [base]}
          web: {service: vbox, node: small, count: \(web), extends: [base], after: [db]}
        """
    }

    @Test("converge from nothing to 2 web + 1 db, then web to 1 (web-2 destroyed, base disk intact), then all to 0")
    func convergeCounts() throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        let keys = try TestHostSupport.makeKeyPair(in: project.root + "/keys")
        let base = project.root + "/base.vdi"
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: base))
        let environment = try hooks(in: project.root + "/sim", publicKey: keys.publicKey)
        defer {
            // Whatever happens, no test host outlives the test.
            for name in ["web-1", "web-2", "db-1"] {
                _ = try? ProcessRunner.run([TestHostSupport.scriptPath, "clean", project.root + "/sim/hosts/" + name])
            }
        }
        func pallet(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root, environment: environment)
        }
        func vms() throws -> [String] {
            let list = try ProcessRunner.run(["VBoxManage", "list", "vms"], environment: environment)
            return list.stdout.split(separator: "\n").compactMap { $0.split(separator: "\"").first.map(String.init) }.sorted()
        }
        func motd(_ name: String) -> String {
            let path = project.root + "/sim/hosts/\(name)/upper/etc/motd"
            return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }

        try project.write("specs/infra.yaml", specs(base: base, key: keys.privateKey, web: 2, db: 1))
        #expect(try pallet(["plan"]).status == 0)
        let first = try pallet(["converge"])
        #expect(first.status == 0, "\(first.combined)")
        #expect(try vms() == ["db-1", "web-1", "web-2"])
        #expect(motd("web-1") == "web-1 of web\n")
        #expect(motd("web-2") == "web-2 of web\n")
        #expect(motd("db-1") == "db-1 of db\n")
        #expect(first.stderr.contains("created db-1"))

        // Converging again creates nothing and bootstraps nothing.
        let again = try pallet(["converge", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.combined)")
        #expect(!again.stderr.contains("created"))
        let stamps = (try? String(contentsOfFile: project.root + "/sim/hosts/web-1/upper/etc/bootstrapped-at", encoding: .utf8)) ?? ""
        #expect(stamps.split(separator: "\n").count == 1)

        try project.write("specs/infra.yaml", specs(base: base, key: keys.privateKey, web: 1, db: 1))
        #expect(try pallet(["plan"]).status == 0)
        let shrink = try pallet(["converge"])
        #expect(shrink.status == 0, "\(shrink.combined)")
        #expect(try vms() == ["db-1", "web-1"])
        #expect(FileManager.default.fileExists(atPath: base), "the base disk must survive")
        let type = try ProcessRunner.run(["VBoxManage", "showmediuminfo", "disk", base], environment: environment)
        #expect(type.stdout.contains("multiattach"), "\(type.combined)")

        try project.write("specs/infra.yaml", specs(base: base, key: keys.privateKey, web: 0, db: 0))
        #expect(try pallet(["plan"]).status == 0)
        let empty = try pallet(["converge"])
        #expect(empty.status == 0, "\(empty.combined)")
        #expect(try vms().isEmpty)
        #expect(FileManager.default.fileExists(atPath: base))
    }

    @Test("a VM that reports an address ssh could take for an option, or a path could climb with, is left alone with a clear error")
    func hostileGuestAddress() throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        let keys = try TestHostSupport.makeKeyPair(in: project.root + "/keys")
        let base = project.root + "/base.vdi"
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: base))
        var environment = try hooks(in: project.root + "/sim", publicKey: keys.publicKey)
        // The guest, not pallet, decides what it publishes: here an ssh option and a '..'.
        let hostile = project.root + "/sim/hostile-hook"
        try """
            #!/usr/bin/env bash
            case $1 in
              db-1) printf '%s\\n' '-oProxyCommand=touch${IFS}\(project.root)/pwned' ;;
              *) printf '%s\\n' '..' ;;
            esac

            """.write(toFile: hostile, atomically: true, encoding: .utf8)
        chmod(hostile, 0o755)
        environment["VBOXSIM_START_HOOK"] = hostile
        func pallet(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root, environment: environment)
        }
        try project.write("specs/infra.yaml", specs(base: base, key: keys.privateKey, web: 1, db: 1))
        #expect(try pallet(["plan"]).status == 0)
        let run = try pallet(["converge"])
        #expect(run.status == 1, "\(run.combined)")
        #expect(run.stderr.contains("VM db-1 reported the address '-oProxyCommand=touch${IFS}"), "\(run.combined)")
        #expect(run.stderr.contains("VM web-1 reported the address '..'"), "\(run.combined)")
        #expect(!FileManager.default.fileExists(atPath: project.root + "/pwned"))
    }
}
