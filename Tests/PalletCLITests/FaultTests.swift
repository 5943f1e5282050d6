import Foundation
import PalletTestSupport
import Testing

/// Faults injected on real test hosts: an out/ edited by hand, a full disk, an interrupted run.
@Suite("Faults on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("Faults on test hosts")))
struct FaultTests {
    @Test("a bundle tar edited in out/ after plan is refused before any node is touched")
    func editedOutRefused() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases: {configure: [{file: {path: /etc/x, content: "reviewed\\n"}}]}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            // Change the payload inside the tar without changing its size, as an attacker would.
            let tarPath = setup.project.root + "/out/groups/db/configure.tar"
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tarPath)))
            let needle = Array("reviewed\n".utf8)
            let at = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
            bytes.replaceSubrange(at..<at + needle.count, with: Array("tampered\n".utf8))
            try Data(bytes).write(to: URL(fileURLWithPath: tarPath))
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("does not match the checksum in plan.json"), "\(run.stderr)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == nil, "nothing was written")
        }
    }

    @Test("the node's disk fills up while a file is written: the step fails clearly, the old file is intact, no temp file is left")
    func diskFull() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let host = try #require(cluster["db1"])
            // A 256 KiB file system holding the old file; the new content needs 512 KiB.
            let mount = try host.shell("mkdir -p /srv/small && mount -t tmpfs -o size=256k tmpfs /srv/small && printf 'old\\n' > /srv/small/data")
            #expect(mount.status == 0, "\(mount.combined)")
            let big = String(repeating: "x", count: 512 * 1024)
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /srv/small/data, content: "\(big)"}
                        - file: {path: /etc/after, content: "not reached\\n"}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("db1: configure:"), "\(run.stderr)")
            let log = try String(contentsOfFile: try #require(Self.log(in: setup, node: "db1")), encoding: .utf8)
            #expect(log.contains("No space left on device"), "\(log)")
            #expect(try host.shell("cat /srv/small/data").stdout == "old\n")
            #expect(try host.shell("ls -A /srv/small").stdout == "data\n", "no temp file is left")
            #expect(host.upperFile("/etc/after") == nil, "the run stopped at the failed step")
        }
    }

    @Test("a run interrupted after a step notified a handler: the next run runs the handler once, then never again")
    func interruptedRunResumed() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let host = try #require(cluster["db1"])
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /etc/app.conf, content: "v2\\n"}
                          notify: [restart]
                        - exec: {script: "test -e /etc/allow-finish", creates: /etc/finished}
                        - exec: {script: "touch /etc/finished", creates: /etc/finished}
                    handlers:
                      restart:
                        - exec: "echo restarted >> /var/log/app-restarts"
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let first = try setup.pallet(["apply"])
            #expect(first.status == 1, "the second step fails: \(first.combined)")
            #expect(host.upperFile("/etc/app.conf") == Array("v2\n".utf8))
            #expect(host.upperFile("/var/log/app-restarts") == nil, "the handler did not run in the broken run")
            #expect(try host.shell("touch /etc/allow-finish").status == 0)
            let second = try setup.pallet(["apply"])
            #expect(second.status == 0, "\(second.combined)")
            #expect(host.upperFile("/var/log/app-restarts") == Array("restarted\n".utf8), "the pending handler ran once")
            let third = try setup.pallet(["apply", "--detailed-exitcode"])
            #expect(third.status == 0, "\(third.combined)")
            #expect(host.upperFile("/var/log/app-restarts") == Array("restarted\n".utf8), "and never again")
        }
    }

    @Test("the bundle's folder on the node (/run/pallet/run.*) is private (0700, root) while it runs and gone afterwards, even after a failure")
    func temporaryFolderPrivateAndRemoved() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let host = try #require(cluster["db1"])
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - exec: "stat -c '%a %U' /run/pallet /run/pallet/run.* > /etc/bundle-folder"
                        - exec: "test -e /etc/second-run"
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let failed = try setup.pallet(["apply"])
            #expect(failed.status == 1, "the second step fails on the first run")
            #expect(host.upperFile("/etc/bundle-folder") == Array("700 root\n700 root\n".utf8))
            #expect(try host.shell("ls -d /run/pallet/run.* 2>/dev/null | wc -l").stdout == "0\n", "removed after a failed run")
            #expect(try host.shell("touch /etc/second-run").status == 0)
            #expect(try setup.pallet(["apply"]).status == 0)
            #expect(try host.shell("ls -d /run/pallet/run.* 2>/dev/null | wc -l").stdout == "0\n", "removed after a good run")
        }
    }

    /// The newest log of `node`'s configure phase.
    static func log(in setup: ClusterProject, node: String) -> String? {
        let runs = setup.project.root + "/.pallet/runs"
        let newest = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).sorted().last
        return newest.map { "\(runs)/\($0)/\(node)/configure.log" }
    }
}
