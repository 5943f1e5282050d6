import Foundation
import PalletTestSupport
import Testing

/// The run's private folder on the node lives under /run/pallet (root's, 0700): what a run killed
/// with SIGKILL left there, secrets included, is removed by the next run, and a live run's
/// folder is never touched.
@Suite("Run folders on the node", .serialized, .enabled(if: TestHostSupport.requireRoot("Run folders on the node")))
struct RunFolderTests {
    /// A step that records its pid, then waits (at most 60 s) until /etc/release exists.
    static let groups = """
          db:
            service: lab
            phases:
              configure:
                - file: {path: /etc/token, content: {secret: {env: APP_TOKEN}}, mode: "0600"}
                - exec: 'echo $$ > /etc/run-pid.new && mv /etc/run-pid.new /etc/run-pid; i=0; while [ ! -e /etc/release ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done'
        """

    /// Runs `pallet apply` on its own thread; `wait()` gives its result.
    final class Background: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: ProcessResult?

        init(_ setup: ClusterProject, environment: [String: String]) {
            Thread { [self] in
                result = try? setup.pallet(["apply"], environment: environment)
                done.signal()
            }.start()
        }

        func wait() -> ProcessResult? {
            guard done.wait(timeout: .now() + 120) == .success else { return nil }
            return result
        }
    }

    /// Polls `condition` every 50 ms for at most 60 s.
    static func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<1200 {
            if try condition() { return true }
            usleep(50_000)
        }
        return false
    }

    /// The run folders on `host`, one per line.
    static func runFolders(_ host: TestHost) throws -> [String] {
        try host.shell("ls -d /run/pallet/run.* 2>/dev/null || true").stdout.split(separator: "\n").map(String.init)
    }

    @Test("kill -9 mid-run leaves the folder with its secrets; the next run removes it; a concurrent live run's folder is untouched")
    func staleFolderRemovedLiveKept() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let host = try #require(cluster["db1"])
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: Self.groups)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let token = "tok-\(UInt64.random(in: 1...UInt64.max))"
            let environment = ["APP_TOKEN": token]

            // Run A: SIGKILL the remote bash and everything it started, mid-step.
            let first = Background(setup, environment: environment)
            #expect(try Self.eventually { try host.shell("test -s /etc/run-pid").status == 0 })
            let killed = try host.shell("""
                p=$(cat /etc/run-pid); chain=$p
                while :; do
                  p=$(awk '{print $4}' "/proc/$p/stat"); [ "$p" -gt 1 ] || exit 1
                  chain="$p $chain"
                  case $(tr '\\0' ' ' < "/proc/$p/cmdline") in "/bin/bash -c "*/run/pallet*) break ;; esac
                done
                # Outermost first, so no shell of the chain sees its child die and runs its EXIT trap.
                kill -9 $chain
                """)
            #expect(killed.status == 0, "\(killed.combined)")
            let firstResult = first.wait()
            #expect(firstResult != nil && firstResult?.status != 0, "\(firstResult?.combined ?? "")")
            let stale = try Self.runFolders(host)
            #expect(stale.count == 1, "the killed run left its folder: \(stale)")
            let staleFolder = try #require(stale.first)
            #expect(try host.shell("cat \(staleFolder)/secrets/env-APP_TOKEN").stdout == token, "with the secret in it")

            // Run B: starts, removes A's folder, and waits in its step (live).
            #expect(try host.shell("rm -f /etc/run-pid").status == 0)
            let live = Background(setup, environment: environment)
            #expect(try Self.eventually { try host.shell("test -s /etc/run-pid").status == 0 })
            let afterB = try Self.runFolders(host)
            #expect(!afterB.contains(staleFolder), "the stale folder is gone: \(afterB)")
            #expect(afterB.count == 1, "\(afterB)")
            let liveFolder = try #require(afterB.first)

            // Run C: starts while B runs; its sweep must leave B's folder alone.
            let concurrent = Background(setup, environment: environment)
            #expect(try Self.eventually { try host.shell("ls /run/pallet/run.*/b/run.sh 2>/dev/null | wc -l").stdout == "2\n" },
                    "C made its folder and unpacked its bundle (after its sweep)")
            #expect(try Self.runFolders(host).contains(liveFolder), "the live run's folder is untouched")
            #expect(try host.shell("cat \(liveFolder)/secrets/env-APP_TOKEN").stdout == token, "with its secret")

            #expect(try host.shell("touch /etc/release").status == 0)
            let liveResult = live.wait()
            #expect(liveResult?.status == 0, "the live run completes: \(liveResult?.combined ?? "")")
            let concurrentResult = concurrent.wait()
            #expect(concurrentResult?.status == 0, "\(concurrentResult?.combined ?? "")")
            #expect(try Self.runFolders(host).isEmpty, "both removed their folders")
        }
    }

    @Test("/run/pallet that is a symbolic link, or not root's 0700 folder, is refused: nothing runs, nothing is written through it")
    func unsafeRunsFolderRefused() throws {
        try TestHostCluster.with(names: ["db1"], users: TestHostUsers(admin: "admin", login: "mallory")) { cluster in
            let host = try #require(cluster["db1"])
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases: {configure: [{file: {path: /etc/x, content: "1\\n"}}]}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            for (setupScript, what) in [
                ("rm -rf /run/pallet; mkdir -m 0777 /tmp/elsewhere; ln -s /tmp/elsewhere /run/pallet", "a symbolic link"),
                ("rm -rf /run/pallet /tmp/elsewhere; mkdir -m 0700 /run/pallet; chown mallory /run/pallet", "a folder of another user"),
                ("chown root /run/pallet; chmod 0755 /run/pallet", "a folder others can read"),
            ] {
                #expect(try host.shell(setupScript).status == 0)
                let run = try setup.pallet(["apply"])
                #expect(run.status == 1, "\(what): \(run.combined)")
                #expect(run.stderr.contains("/run/pallet on the node is not a folder of root with mode 0700; refusing to run"),
                        "\(what): \(run.stderr)")
                #expect(host.upperFile("/etc/x") == nil, "\(what): nothing ran")
                #expect(try host.shell("ls -A /tmp/elsewhere 2>/dev/null; ls -A /run/pallet").stdout.isEmpty, "\(what): nothing written")
            }
            #expect(try host.shell("rm -rf /run/pallet").status == 0)
            let good = try setup.pallet(["apply"])
            #expect(good.status == 0, "\(good.combined)")
            #expect(try host.shell("stat -c '%U %a' /run/pallet").stdout == "root 700\n")
        }
    }
}
