import Foundation
import PalletTestSupport
import Testing

/// The test hosts themselves: ssh, sudo, isolation between hosts, and a teardown that leaves
/// no process or mount behind.
@Suite("Test hosts", .enabled(if: TestHostSupport.requireRoot("Test hosts")))
struct TestHostTests {
    @Test("two hosts: ssh with strict host keys, sudo, isolation, teardown")
    func twoHosts() throws {
        let started = Date()
        let cluster = try TestHostCluster.up(names: ["web", "db"])
        print("up 2 hosts: \(Date().timeIntervalSince(started))s")
        var daemonPid = ""
        do {
            for host in cluster.hosts {
                let result = try host.ssh("sudo -n id -u; hostname")
                #expect(result.status == 0, "\(result.combined)")
                #expect(result.stdout == "0\n\(host.name)\n")
                #expect(host.isRunning)
            }
            guard let web = cluster["web"], let db = cluster["db"] else {
                Issue.record("missing host")
                return
            }
            #expect(web.address != db.address)
            #expect(try web.hostKey() != db.hostKey())
            // Combined known_hosts works for both.
            let viaCluster = try ProcessRunner.run(["ssh", "-i", cluster.keyPair.privateKey, "-o", "UserKnownHostsFile=\(cluster.knownHostsFile)",
                                                    "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "admin@\(db.address)", "hostname"])
            #expect(viaCluster.stdout == "db\n", "\(viaCluster.combined)")

            let write = try web.ssh("echo hello | sudo tee /etc/pallet-marker >/dev/null")
            #expect(write.status == 0, "\(write.combined)")
            #expect(web.upperFile("/etc/pallet-marker") == Array("hello\n".utf8))
            #expect(web.writtenFile("/etc/pallet-marker") == Array("hello\n".utf8))
            #expect(db.upperFile("/etc/pallet-marker") == nil)
            #expect(!FileManager.default.fileExists(atPath: "/etc/pallet-marker"))
            #expect(try db.exec(["test", "-e", "/etc/pallet-marker"]).status == 1)

            let echoed = try web.exec(["cat"], stdin: Array("piped".utf8))
            #expect(echoed.stdout == "piped")
            let status = try web.shell("echo out; echo err >&2; exit 9")
            #expect(status.status == 9 && status.stdout == "out\n" && status.stderr == "err\n")

            let daemon = try web.ssh("sudo setsid -f sleep 4242 </dev/null >/dev/null 2>&1; sleep 0.2; pgrep -f 'sleep 4242'")
            #expect(daemon.status == 0, "\(daemon.combined)")
            daemonPid = try ProcessRunner.run(["pgrep", "-f", "sleep 4242"]).stdout
            #expect(!daemonPid.isEmpty)
        } catch {
            try? cluster.clean()
            throw error
        }
        let downStarted = Date()
        try cluster.down()
        print("down 2 hosts: \(Date().timeIntervalSince(downStarted))s")
        #expect(try ProcessRunner.run(["pgrep", "-f", "sleep 4242"]).status == 1)
        let mounts = try ProcessRunner.run(["findmnt", "-rn", "-o", "TARGET"]).stdout
        #expect(!mounts.contains(cluster.directory))
        for host in cluster.hosts {
            #expect(!host.isRunning)
            #expect(throws: TestHostError.self) { try host.exec(["true"]) }
        }
        #expect(cluster["web"]?.upperFile("/etc/pallet-marker") != nil)
        try cluster.clean()
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
    }

    @Test("with(name:) and user variants")
    func variants() throws {
        let name = try TestHost.with(name: "single") { host throws -> String in
            #expect(try host.exec(["hostname"]).stdout == "single\n")
            return host.name
        }
        #expect(name == "single")

        try TestHost.with(name: "pw", users: .adminWithSudoPassword) { host in
            let noPassword = try host.ssh("sudo -n true")
            #expect(noPassword.status != 0)
            #expect(noPassword.stderr.contains("a password is required"))
            let password = try #require(host.sudoPassword)
            let withPassword = try host.ssh("sudo -S -p '' id -u", stdin: Array((password + "\n").utf8))
            #expect(withPassword.stdout == "0\n", "\(withPassword.combined)")
        }

        try TestHost.with(name: "login", users: .loginOnly()) { host in
            let who = try host.ssh("id -un")
            #expect(who.stdout == "deploy\n", "\(who.combined)")
            #expect(try host.ssh("sudo -n true").status != 0)
            #expect(try host.ssh("true", user: "admin").status == 255)
        }
    }

    @Test("a throwing body keeps the state directory")
    func keepsOnFailure() throws {
        struct Boom: Error {}
        var kept = ""
        #expect(throws: Boom.self) {
            try TestHost.with(name: "boom") { host in
                kept = host.stateDirectory
                throw Boom()
            }
        }
        #expect(FileManager.default.fileExists(atPath: kept + "/upper"))
        let cleaned = try ProcessRunner.run([TestHostSupport.scriptPath, "clean", kept])
        #expect(cleaned.status == 0)
    }
}
