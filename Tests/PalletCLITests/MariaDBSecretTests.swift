import Foundation
import PalletTestSupport
import Testing

/// The `mariadb` crate on a test host: passwords holding `'`, `\`, `"`, `$`, backquotes and `;`
/// are set exactly, and never appear on any process's command line while its steps run (strace
/// records every program started on the control host and on the node).
@Suite("The mariadb crate's secrets", .serialized, .enabled(if: TestHostSupport.requireRoot("The mariadb crate's secrets")))
struct MariaDBSecretTests {
    // The title is the one docs/security.md names; the "poller" is now strace's execve trace.
    @Test("mariadb: root and user passwords with ' and \\ work, and no program started on the control host or the nodes has them in its arguments (strace)")
    func passwordsNeverOnCommandLine() throws {
        try TestHostCluster.with(names: ["db-1"]) { cluster in
            let db = try #require(cluster["db-1"])
            let nonce = UInt64.random(in: 1...UInt64.max)
            let rootPassword = "r\(nonce)'o\\o\"t$x`y`\\'"
            let appPassword = "a\(nonce)\\'p p;--\\"
            let rootFile = cluster.directory + "/root-password"
            try Data(rootPassword.utf8).write(to: URL(fileURLWithPath: rootFile))
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db-1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - crate: mariadb
                          with:
                            root-password: {secret: {file: \(rootFile)}}
                            database: app
                            user: app
                            password: {secret: {env: APP_PASSWORD}}
                            bind-address: \(db.address)
                            service: mariadb
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            // The server's packages go in before the trace starts: ptrace stops dpkg at every
            // system call (three times slower), and no secret is near the install. The crate's
            // package step then finds them installed; every step that handles a password runs traced.
            let install = try db.exec(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-install-recommends",
                                       "mariadb-server", "mariadb-client"])
            #expect(install.status == 0, "\(install.combined)")
            // Every program started on the control host (pallet's tree) and on the node (every ssh
            // session of its sshd) while pallet applies, with its arguments in full.
            let control = cluster.directory + "/control.trace"
            let node = try ExecTrace.attach(to: [db.sshdProcess()], file: cluster.directory + "/node.trace")
            let environment = ["APP_PASSWORD": appPassword]
            let first = try setup.pallet(["apply"], environment: environment, trace: control)
            #expect(first.status == 0, "\(first.combined)")
            let second = try setup.pallet(["apply", "--detailed-exitcode"], environment: environment, trace: control)
            #expect(second.status == 0, "the passwords' guards hold, nothing changes: \(second.combined)")
            let nodeCalls = try node.stop()
            let controlCalls = try ExecTrace.read(control)
            // The traces saw what ran: ssh to the node, and there the bundle and the crate's mysql
            // client calls (each given a password on stdin or in a file, never as an argument).
            #expect(controlCalls.contains { $0.program.hasSuffix("/ssh") && $0.arguments.contains(db.address) }, "ssh traced")
            #expect(nodeCalls.contains { $0.arguments.contains { $0.hasSuffix("/run.sh") } }, "run.sh traced on the node")
            #expect(nodeCalls.contains { ["mysql", "mariadb"].contains(($0.program as NSString).lastPathComponent) }, "the mysql client traced on the node")
            // Each password in full, and its distinctive start (as the old crate's quoting would
            // have shown it on mysql's command line).
            let found = leaks(of: [rootPassword, appPassword, "r\(nonce)", "a\(nonce)"], in: controlCalls + nodeCalls)
            #expect(found.isEmpty, "a password appeared on a command line: \(found)")

            let root = try db.exec(["env", "MYSQL_PWD=\(rootPassword)", "mysql", "-uroot", "--protocol=tcp", "-h", db.address, "-N", "-e", "SELECT 1"])
            #expect(root.stdout == "1\n", "root logs in with the exact password: \(root.combined)")
            let app = try db.exec(["env", "MYSQL_PWD=\(appPassword)", "mysql", "-uapp", "--protocol=tcp", "-h", db.address, "app", "-N", "-e",
                                   "SELECT CURRENT_USER()"])
            #expect(app.stdout.hasPrefix("app@"), "app logs in with the exact password: \(app.combined)")
            let wrong = try db.exec(["env", "MYSQL_PWD=\(rootPassword.dropLast())", "mysql", "-uroot", "--protocol=tcp", "-h", db.address, "-e", "SELECT 1"])
            #expect(wrong.status != 0, "the password is checked: one character less is refused")
            for output in [first, second] {
                #expect(!output.combined.contains("r\(nonce)") && !output.combined.contains("a\(nonce)"))
            }
        }
    }
}
