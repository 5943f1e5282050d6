import Foundation
import PalletTestSupport
import Testing

/// What pallet apply prints: colour only on a terminal and never with NO_COLOR, --quiet and
/// --verbose, and progress that stays readable with a hundred nodes.
@Suite("pallet apply output", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet apply output")))
struct OutputTests {
    /// Runs pallet under a pseudo-terminal (util-linux `script`), so it sees a terminal. The test
    /// runner's own NO_COLOR is removed unless `environment` sets it.
    func onTerminal(_ setup: ClusterProject, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        let unset = environment["NO_COLOR"] == nil ? "env -u NO_COLOR " : ""
        let command = unset + ([RepositoryPaths.palletBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try ProcessRunner.run(["script", "-qec", command, "/dev/null"], directory: setup.project.root, environment: environment)
    }

    /// A project of `count` nodes named n1...nN, all on the one test host (its lock runs them in turn).
    func project(_ cluster: TestHostCluster, nodes count: Int) throws -> ClusterProject {
        let setup = try ClusterProject(cluster: cluster, groupOf: [:], groups: """
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: "/etc/out-{{ node.name }}", content: "{{ node.name }}\\n"}
                    - file: {path: /etc/shared, content: "same\\n"}
            """)
        let host = cluster.hosts[0]
        let entries = (1...count).map { "      - {name: n\($0), group: g, address: \(host.address)}" }.joined(separator: "\n")
        try setup.project.write("specs/pallet.yaml", """
            admin-user: {username: admin, private-key: \(cluster.keyPair.privateKey)}
            services:
              lab:
                provider: hosts
                hosts:
            \(entries)

            """)
        #expect(try setup.pallet(["plan"]).status == 0)
        return setup
    }

    @Test("colour only on a terminal and never with NO_COLOR; --quiet and --verbose")
    func colourAndVerbosity() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            let setup = try project(cluster, nodes: 2)
            defer { setup.project.remove() }
            let plain = try setup.pallet(["apply"])
            #expect(plain.status == 0, "\(plain.combined)")
            #expect(!plain.stderr.contains("\u{1B}["), "no escape codes off a terminal")
            #expect(try cluster.hosts[0].shell("rm -f /etc/out-n1 /etc/out-n2").status == 0)
            let coloured = try onTerminal(setup, ["apply"], environment: ["TERM": "xterm"])
            #expect(coloured.status == 0, "\(coloured.combined)")
            #expect(coloured.stdout.contains("n1 configure 1/2 \u{1B}[33mchanged\u{1B}[0m file /etc/out-n1"), "changes in yellow: \(coloured.stdout)")
            #expect(try cluster.hosts[0].shell("rm -f /etc/out-n1 /etc/out-n2").status == 0)
            let noColour = try onTerminal(setup, ["apply"], environment: ["NO_COLOR": "1", "TERM": "xterm"])
            #expect(noColour.stdout.contains("n1 configure 1/2 changed file /etc/out-n1"), "\(noColour.stdout)")
            #expect(noColour.status == 0)
            #expect(!noColour.stdout.contains("\u{1B}[3"), "NO_COLOR: \(noColour.stdout)")
            let quiet = try setup.pallet(["apply", "--quiet"])
            #expect(quiet.status == 0)
            #expect(!quiet.stderr.contains("configure ok:"), "no progress with --quiet: \(quiet.stderr)")
            #expect(quiet.stderr.contains("2 node(s): 0 changed, 0 failed, 0 unreachable"), "\(quiet.stderr)")
            #expect(!quiet.stderr.contains("\nn1 "), "no row for a node that did nothing")
            let verbose = try setup.pallet(["apply", "--verbose"])
            #expect(verbose.stderr.contains("n1 configure 1/2 ok file /etc/out-n1"), "\(verbose.stderr)")
            #expect(verbose.stderr.contains("n2 configure 2/2 ok file /etc/shared"))
            #expect(try setup.pallet(["apply", "--quiet", "--verbose"]).status != 0)
        }
    }

    @Test("a hundred nodes on a terminal: one progress line redrawn in place, a line per node that changed, then the recap")
    func hundredNodes() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            let setup = try project(cluster, nodes: 100)
            defer { setup.project.remove() }
            let first = try onTerminal(setup, ["apply", "--jobs", "16"])
            #expect(first.status == 0, "\(first.stdout.suffix(2000))")
            let lines = first.stdout.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).filter { !$0.contains("node phases done") }
            // Per node: its changed step lines (2) and its end line; then the recap (header,
            // 100 rows, totals, logs): nothing else, however the runs interleave.
            #expect(lines.count <= 100 * 3 + 110, "\(lines.count) lines")
            #expect(first.stdout.contains("100/100 node phases done, 100 changed, 0 failed"))
            let again = try onTerminal(setup, ["apply"])
            #expect(again.status == 0)
            let quietLines = again.stdout.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                .filter { !$0.contains("node phases done") && !$0.allSatisfy(\.isWhitespace) && $0 != "\u{1B}[K" }
            // Nothing changed: no per-node line at all, only the recap.
            #expect(quietLines.count <= 100 + 5, "\(quietLines.count) lines")
            #expect(!again.stdout.contains("configure ok: ok="), "a node that did nothing prints no line on a terminal")
        }
    }
}
