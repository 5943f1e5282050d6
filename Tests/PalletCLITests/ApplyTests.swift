import Foundation
import PalletTestSupport
import Testing

/// `pallet apply`, `--check` and `lift` against real sshd on test hosts.
@Suite("pallet apply on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet apply on test hosts")))
struct ApplyTests {
    static let groups = """
          db:
            service: lab
            phases:
              configure:
                - file: {path: /etc/app.conf, content: "db {{ node.name }}\\n"}
          web:
            service: lab
            after: [db]
            phases:
              configure:
                - file: {path: /etc/app.conf, content: "web {{ node.name }} #{{ node.index }}\\n", mode: "0640"}
                - file: {path: /etc/app.token, content: {secret: {env: APP_TOKEN}}, mode: "0600"}
                - exec:
                    script: "printf '%s' \\"$DB_PASSWORD\\" > /etc/app.dbpw"
                    creates: /etc/app.dbpw
                    environment: {DB_PASSWORD: {secret: {file: SECRET_FILE}}}
              deploy:
                - exec: "date > /etc/app.deployed"
        """

    /// A planned project whose one group `db` writes /etc/x on host db1.
    func oneFileProject(_ cluster: TestHostCluster) throws -> ClusterProject {
        let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
              db:
                service: lab
                phases: {configure: [{file: {path: /etc/x, content: "1\\n"}}]}
            """)
        #expect(try setup.pallet(["plan"]).status == 0)
        return setup
    }

    func project(_ cluster: TestHostCluster, secretFile: String) throws -> ClusterProject {
        try ClusterProject(cluster: cluster, groupOf: ["web1": "web", "web2": "web", "db1": "db"],
                           groups: Self.groups.replacingOccurrences(of: "SECRET_FILE", with: secretFile))
    }

    @Test("apply changes, apply again changes nothing, check mode reports exactly a drift with its diff; secrets never leak")
    func applyTwiceAndCheck() throws {
        try TestHostCluster.with(names: ["web1", "web2", "db1"]) { cluster in
            let token = "tok-\(UInt64.random(in: 1...UInt64.max))"
            let password = "pw-\(UInt64.random(in: 1...UInt64.max))"
            let secretFile = cluster.directory + "/db-password"
            try Data(password.utf8).write(to: URL(fileURLWithPath: secretFile))
            let setup = try project(cluster, secretFile: secretFile)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let environment = ["APP_TOKEN": token]
            // Every program started on the control host (pallet's tree) and on the nodes (every
            // ssh session of each host's sshd) while pallet runs.
            let control = cluster.directory + "/control.trace"
            let nodes = try ExecTrace.attach(to: cluster.hosts.map { try $0.sshdProcess() }, file: cluster.directory + "/nodes.trace")

            let first = try setup.pallet(["apply", "--json"], environment: environment, trace: control)
            #expect(first.status == 0, "\(first.combined)")
            let web2 = try #require(cluster["web2"])
            #expect(web2.upperFile("/etc/app.conf") == Array("web web2 #2\n".utf8))
            #expect(web2.upperFile("/etc/app.token") == Array(token.utf8))
            #expect(web2.upperFile("/etc/app.dbpw") == Array(password.utf8))
            #expect(cluster["db1"]?.upperFile("/etc/app.conf") == Array("db db1\n".utf8))
            #expect(first.stdout.contains("\"outcome\" : \"changed\""))

            let second = try setup.pallet(["apply", "--detailed-exitcode"], environment: environment, trace: control)
            #expect(second.status == 0, "nothing should change: \(second.combined)")
            #expect(second.stderr.contains("web2  web    3     0             0       0"), "\(second.stderr)")

            #expect(try web2.shell("echo drift > /etc/app.conf").status == 0)
            let check = try setup.pallet(["apply", "--check", "--json", "--detailed-exitcode"], environment: environment, trace: control)
            #expect(check.status == 2, "\(check.combined)")
            #expect(web2.upperFile("/etc/app.conf") == Array("drift\n".utf8))
            let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
            let results = report?["results"] as? [[String: Any]] ?? []
            let changedNodes = results.filter { ($0["changed"] as? Int ?? 0) > 0 }.compactMap { $0["node"] as? String }
            #expect(changedNodes == ["web2"])
            let diffs = results.first { $0["node"] as? String == "web2" }?["diffs"] as? [String] ?? []
            #expect(diffs.contains("-drift"), "\(diffs)")
            #expect(diffs.contains("+web web2 #2"), "\(diffs)")
            #expect(check.stderr.contains("--- web2 configure: would change"))

            let lift = try setup.pallet(["lift", "--phase", "deploy", "--group", "web"], trace: control)
            #expect(lift.status == 0, "\(lift.combined)")
            #expect(web2.upperFile("/etc/app.deployed") != nil)
            #expect(cluster["db1"]?.upperFile("/etc/app.deployed") == nil)

            let nodeCalls = try nodes.stop()
            let controlCalls = try ExecTrace.read(control)
            // The traces saw what ran: ssh to every host on the control side; on the nodes, sudo
            // and the bundle's run.sh.
            for host in cluster.hosts {
                #expect(controlCalls.contains { $0.program.hasSuffix("/ssh") && $0.arguments.contains(host.address) },
                        "ssh to \(host.name) traced: \(controlCalls.map(\.program))")
            }
            #expect(nodeCalls.contains { $0.arguments.first == "sudo" }, "sudo traced on the nodes: \(nodeCalls.count) calls")
            #expect(nodeCalls.contains { $0.arguments.contains { $0.hasSuffix("/run.sh") } }, "run.sh traced on the nodes: \(nodeCalls.count) calls")
            let found = leaks(of: [token, password], in: controlCalls + nodeCalls)
            #expect(found.isEmpty, "a secret appeared in a process's arguments: \(found)")
            let foreign = foreignEnvironment(in: controlCalls)
            #expect(foreign.isEmpty, "ssh got environment entries that are not pallet's own NAME=value: \(foreign)")
            let written = try setup.everythingWritten()
            #expect(!written.contains(token) && !written.contains(password), "a secret was written into out/ or .pallet/")
            for output in [first, second, check, lift] {
                #expect(!output.combined.contains(token) && !output.combined.contains(password))
            }
        }
    }

    @Test("one host down: the others complete, the recap says which is unreachable, exit 1")
    func hostDown() throws {
        try TestHostCluster.with(names: ["web1", "web2", "db1"]) { cluster in
            let secretFile = cluster.directory + "/db-password"
            try Data("pw".utf8).write(to: URL(fileURLWithPath: secretFile))
            let setup = try project(cluster, secretFile: secretFile)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            try cluster["web1"]?.down()
            let started = Date()
            let run = try setup.pallet(["apply"], environment: ["APP_TOKEN": "x"])
            #expect(run.status == 1)
            #expect(Date().timeIntervalSince(started) < 30)
            #expect(run.stderr.contains("web1: connect: cannot reach"), "\(run.stderr)")
            #expect(cluster["web2"]?.upperFile("/etc/app.conf") == Array("web web2 #2\n".utf8))
            #expect(cluster["db1"]?.upperFile("/etc/app.conf") == Array("db db1\n".utf8))
            let row = run.stderr.split(separator: "\n").first { $0.hasPrefix("web1 ") }
            #expect(row?.hasSuffix(" 1") == true, "\(run.stderr)")
        }
    }

    @Test("a known host that went down, with a bundle larger than a pipe buffer: unreachable, exit 1, no crash")
    func knownHostDownLargeBundle() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let big = String(repeating: "0123456789abcdef", count: 16 * 1024) // 256 KiB
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases: {configure: [{file: {path: /etc/big, content: "\(big)"}}]}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let first = try setup.pallet(["apply"])
            #expect(first.status == 0, "\(first.combined)")
            #expect(cluster["db1"]?.upperFile("/etc/big")?.count == big.utf8.count)
            // The host key is known and there is no bootstrap phase, so no probe runs first: the
            // stream goes straight to an ssh that cannot connect.
            try cluster["db1"]?.down()
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1, "\(run.combined)")
            #expect(run.stderr.contains("db1: configure: cannot reach admin@"), "\(run.stderr)")
            #expect(run.stderr.contains("Connection refused\n"), "the reason ends the line, without ssh's carriage return")
        }
    }

    @Test("specs deleted after plan: apply still works; specs changed: the stale plan is refused")
    func airGappedAndStale() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try oneFileProject(cluster)
            defer { setup.project.remove() }
            try setup.project.write("specs/groups.yaml", "groups:\n  db: {service: lab}\n")
            let stale = try setup.pallet(["apply"])
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("refusing a stale plan"), "\(stale.stderr)")
            try FileManager.default.removeItem(atPath: setup.project.root + "/specs")
            let run = try setup.pallet(["apply"])
            #expect(run.status == 0, "\(run.combined)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == Array("1\n".utf8))
        }
    }

    @Test("sudo asking for a password is a clear error, not a hang")
    func sudoPassword() throws {
        try TestHostCluster.with(names: ["db1"], users: .adminWithSudoPassword) { cluster in
            let setup = try oneFileProject(cluster)
            defer { setup.project.remove() }
            let started = Date()
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1)
            #expect(Date().timeIntervalSince(started) < 20)
            #expect(run.stderr.contains("asks for a password: admin needs passwordless (NOPASSWD) sudo"), "\(run.stderr)")
        }
    }

    @Test("a changed host key is refused")
    func changedHostKey() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try oneFileProject(cluster)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["apply"]).status == 0)
            let knownHosts = setup.project.root + "/.pallet/known_hosts"
            let known = try String(contentsOfFile: knownHosts, encoding: .utf8)
            #expect(known.contains(cluster.hosts[0].address))
            // Replace the recorded key with another host key.
            let other = try ProcessRunner.run(["bash", "-c", "d=$(mktemp -d) && ssh-keygen -q -t ed25519 -N '' -f $d/k && cut -d' ' -f1,2 $d/k.pub"])
            let forged = "\(cluster.hosts[0].address) \(other.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            try Data(forged.utf8).write(to: URL(fileURLWithPath: knownHosts))
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("does not match .pallet/known_hosts: refusing to connect"), "\(run.stderr)")
        }
    }

    @Test("bootstrap (the automated-admin-user crate) creates the admin user through the login user; later phases log in as the admin")
    func bootstrap() throws {
        try TestHostCluster.with(names: ["fresh"], users: TestHostUsers(admin: "deploy")) { cluster in
            let key = try String(contentsOfFile: cluster.keyPair.publicKey, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let setup = try ClusterProject(cluster: cluster, groupOf: ["fresh": "g"], groups: """
                  g:
                    service: lab
                    phases:
                      bootstrap:
                        - crate: automated-admin-user
                          with: {username: pallet-admin, public-key: "\(key)"}
                      configure:
                        - exec: {script: "logname > /etc/configured-by || echo \\"$SUDO_USER\\" > /etc/configured-by", creates: /etc/configured-by}
                """, admin: "pallet-admin", login: "deploy")
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let first = try setup.pallet(["apply", "--json"])
            #expect(first.status == 0, "\(first.combined)")
            let host = try #require(cluster.hosts.first)
            #expect(host.upperFile("/var/lib/pallet/bootstrapped") != nil)
            #expect(String(decoding: host.upperFile("/etc/configured-by") ?? [], as: UTF8.self).contains("pallet-admin"))
            #expect(first.stdout.contains("\"phase\" : \"bootstrap\""))
            let second = try setup.pallet(["apply", "--json"])
            #expect(second.status == 0, "\(second.combined)")
            #expect(!second.stdout.contains("\"phase\" : \"bootstrap\""), "bootstrap ran twice")
        }
    }

    @Test("groups wait for the groups in their after:, nodes of a group run in parallel")
    func afterOrdering() throws {
        try TestHostCluster.with(names: ["web1", "web2", "db1"]) { cluster in
            let setup = try ClusterProject(cluster: cluster, groupOf: ["web1": "web", "web2": "web", "db1": "db"], groups: """
                  web:
                    service: lab
                    after: [db]
                    phases: {configure: [{exec: "date +%s%N > /etc/started; sleep 1; date +%s%N > /etc/finished"}]}
                  db:
                    service: lab
                    phases: {configure: [{exec: "date +%s%N > /etc/started; sleep 1; date +%s%N > /etc/finished"}]}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            #expect(try setup.pallet(["apply"]).status == 0)
            func time(_ host: String, _ file: String) -> Int {
                Int(String(decoding: cluster[host]?.upperFile(file) ?? [], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            }
            #expect(time("web1", "/etc/started") > time("db1", "/etc/finished"))
            #expect(time("web2", "/etc/started") > time("db1", "/etc/finished"))
            // web1 and web2 overlap: each starts before the other finishes.
            #expect(time("web1", "/etc/started") < time("web2", "/etc/finished"))
            #expect(time("web2", "/etc/started") < time("web1", "/etc/finished"))
        }
    }

    @Test("one ssh connection per node per run: the probe and the phases share it")
    func oneConnectionPerNode() throws {
        try TestHostCluster.with(names: ["web1", "web2", "db1"]) { cluster in
            let secretFile = cluster.directory + "/db-password"
            try Data("pw".utf8).write(to: URL(fileURLWithPath: secretFile))
            let setup = try project(cluster, secretFile: secretFile)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let run = try setup.pallet(["apply"], environment: ["APP_TOKEN": "t"])
            #expect(run.status == 0, "\(run.combined)")
            for host in cluster.hosts {
                let log = String(decoding: host.upperFile("/var/log/testhost-sshd.log") ?? [], as: UTF8.self)
                let logins = log.split(separator: "\n").filter { $0.contains("Accepted publickey for admin") }
                #expect(logins.count == 1, "\(host.name): \(logins.count) ssh logins")
            }
        }
    }

    @Test("ssh killed mid-phase: that node fails, the others finish, nothing is half-written, a rerun converges")
    func sshKilledMidPhase() throws {
        try TestHostCluster.with(names: ["slow", "other"]) { cluster in
            let big = String(repeating: "0123456789abcdef", count: 65_536)
            let setup = try ClusterProject(cluster: cluster, groupOf: ["slow": "g", "other": "g"], groups: """
                  g:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /etc/big.conf, content: "\(big)\\n"}
                        - exec: {script: "sleep 3; touch /etc/after-sleep", creates: /etc/after-sleep}
                        - file: {path: /etc/last.conf, content: "done\\n"}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let slow = try #require(cluster["slow"])
            #expect(try slow.shell("echo old > /etc/big.conf").status == 0)
            let killer = Thread {
                // Wait until the slow node is inside its sleep, then kill its ssh client.
                for _ in 0..<100 {
                    if (try? slow.shell("pgrep -f 'sleep 3'").status) == 0 { break }
                    usleep(50_000)
                }
                _ = try? ProcessRunner.run(["pkill", "-KILL", "-f", "ssh .*-- \(slow.address) sudo"])
            }
            killer.start()
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("slow: configure: the run broke off after step 1/3"), "\(run.stderr)")
            #expect(cluster["other"]?.upperFile("/etc/last.conf") == Array("done\n".utf8))
            // The big file is whole (new), never half-written; no temp file is left behind.
            #expect(slow.upperFile("/etc/big.conf") == Array((big + "\n").utf8))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: slow.upperDirectory + "/etc").filter { $0.hasPrefix(".pallet.") }
            #expect(leftovers.isEmpty, "\(leftovers)")
            // The remote run may still finish on its own after the client died; either way a rerun converges.
            let rerun = try setup.pallet(["apply"])
            #expect(rerun.status == 0, "\(rerun.combined)")
            #expect(slow.upperFile("/etc/last.conf") == Array("done\n".utf8))
            let again = try setup.pallet(["apply", "--detailed-exitcode"])
            #expect(again.status == 0, "\(again.combined)")
        }
    }

    @Test("two applies at once on the same node never interleave")
    func concurrentApplies() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - exec: "echo start >> /etc/lock-log; sleep 1; echo end >> /etc/lock-log"
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            #expect(try setup.pallet(["apply"]).status == 0)
            let box = StatusBox()
            let group = DispatchGroup()
            for _ in 0..<2 {
                group.enter()
                Thread {
                    box.add((try? setup.pallet(["apply"]).status) ?? -1)
                    group.leave()
                }.start()
            }
            group.wait()
            #expect(box.all == [0, 0])
            let log = String(decoding: cluster.hosts[0].upperFile("/etc/lock-log") ?? [], as: UTF8.self)
            #expect(log == String(repeating: "start\nend\n", count: 3), "\(log)")
        }
    }
}

/// Exit statuses collected from threads.
final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int32] = []

    func add(_ status: Int32) { lock.withLock { statuses.append(status) } }

    var all: [Int32] { lock.withLock { statuses } }
}
