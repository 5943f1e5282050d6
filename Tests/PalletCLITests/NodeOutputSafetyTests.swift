import Foundation
import PalletTestSupport
import Testing

/// What a node sends is data: control characters and escape sequences reach no terminal, log or
/// JSON unescaped, a flood of output is capped with a message and keeps the controller's memory
/// bounded, and ssh gives a node no way back (no agent, no forwarding) and meets only the host
/// key the inventory pins.
@Suite("node output and ssh safety", .serialized, .enabled(if: TestHostSupport.requireRoot("node output and ssh safety")))
struct NodeOutputSafetyTests {
    /// The raw bytes the node sends in the hostile tests: an OSC 52 clipboard write, a screen
    /// clear, a cursor move, a C1 CSI (U+009B), a bidi override (U+202E), a BEL, invalid UTF-8.
    static let hostile = #"\033]52;c;cHduZWQ=\007 \033[2J\033[1A \302\233 \342\200\256evil \377\376 end"#

    /// Characters that must never appear in anything pallet prints or writes.
    static let forbidden: [(String, String)] = [
        ("\u{1B}]", "OSC"), ("\u{1B}[2J", "screen clear"), ("\u{1B}[1A", "cursor move"), ("\u{07}", "BEL"), ("\u{9B}", "C1 CSI"),
        ("\u{202E}", "bidi override"), ("\u{FFFD}", "invalid UTF-8 passed on"),
    ]

    func expectClean(_ text: String, _ place: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (needle, what) in Self.forbidden {
            #expect(!text.contains(needle), "\(what) reached \(place)", sourceLocation: sourceLocation)
        }
    }

    /// A project on the one host `h` of `cluster` whose group `g` runs `steps` (YAML list items,
    /// indented for the configure list); `hostKey` pins a host key on the host entry.
    func project(_ cluster: TestHostCluster, steps: String, hostKey: String? = nil) throws -> ClusterProject {
        let setup = try ClusterProject(cluster: cluster, groupOf: [:], groups: """
              g:
                service: lab
                phases:
                  configure:
            \(steps)
            """)
        let pin = hostKey.map { ", host-key: \"\($0)\"" } ?? ""
        try setup.project.write("specs/pallet.yaml", """
            admin-user: {username: admin, private-key: \(cluster.keyPair.privateKey)}
            services:
              lab:
                provider: hosts
                hosts:
                  - {name: h, group: g, address: \(cluster.hosts[0].address)\(pin)}

            """)
        return setup
    }

    func logText(_ setup: ClusterProject, phase: String = "configure") throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: setup.project.root + "/.pallet/runs").sorted()
        let path = setup.project.root + "/.pallet/runs/\(runs.last ?? "")/h/\(phase).log"
        return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test("escape sequences, C1, bidi and invalid UTF-8 from a node are shown escaped on the terminal, in the recap, the log and the JSON")
    func hostileBytesAreEscaped() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            // The node forges protocol lines on the run's protocol channel (fd 3 of run.sh, which
            // a root script can reach) and writes the same bytes on standard error (the log).
            let setup = try project(cluster, steps: #"""
                        - exec:
                            script: |
                              p=/proc/$PPID/fd/3
                              printf '::pallet step 1/1 changed exec %b\n' '\#(Self.hostile)' > "$p"
                              printf '::pallet diff +%b\n' '\#(Self.hostile)' > "$p"
                              printf 'stderr %b\n' '\#(Self.hostile)' >&2
                        - file: {path: /etc/shown, content: "clean\n"}
                """#)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let run = try setup.pallet(["apply", "--verbose", "--json"])
            #expect(run.status == 0, "\(run.combined)")
            expectClean(run.stderr, "the progress output")
            expectClean(run.stdout, "the JSON report")
            #expect(run.stderr.contains(#"\x1b]52;c;cHduZWQ=\x07 \x1b[2J\x1b[1A \u{9b} \u{202e}evil \xff\xfe end"#), "\(run.stderr)")
            #expect(run.stdout.contains(#"\\x1b]52;c;cHduZWQ=\\x07"#), "the JSON shows the escaped form: \(run.stdout)")
            let log = try logText(setup)
            expectClean(log, "the log")
            #expect(log.contains(#"stderr \x1b]52;c;cHduZWQ=\x07 \x1b[2J\x1b[1A \u{9b} \u{202e}evil \xff\xfe end"#), "\(log)")

            // Check mode: a file on the node holds the hostile bytes; its diff is in the recap.
            #expect(try cluster.hosts[0].shell("printf '%b\\n' '\(Self.hostile)' > /etc/shown").status == 0)
            let check = try setup.pallet(["apply", "--check", "--json"])
            #expect(check.status == 0, "\(check.combined)")
            expectClean(check.stderr, "the check-mode recap")
            expectClean(check.stdout, "the check-mode JSON")
            #expect(check.stderr.contains(#"-\x1b]52;c;cHduZWQ=\x07"#), "the diff shows the escaped line: \(check.stderr)")

            // On a terminal (with colour): pallet's own colour codes, nothing of the node's.
            let command = "env -u NO_COLOR " + [RepositoryPaths.palletBinary, "apply", "--verbose"].map { "'\($0)'" }.joined(separator: " ")
            let terminal = try ProcessRunner.run(["script", "-qec", command, "/dev/null"], directory: setup.project.root, environment: ["TERM": "xterm"])
            #expect(terminal.status == 0, "\(terminal.combined)")
            expectClean(terminal.stdout, "the terminal")
            #expect(terminal.stdout.contains(#"\x1b]52;c;"#), "\(terminal.stdout)")
        }
    }

    @Test("a node printing a million diff lines, a 10 MB line and a million stderr lines: peak RSS under 150 MB, log and report capped, counts exact")
    func floodIsCapped() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            let setup = try project(cluster, steps: #"""
                        - exec:
                            script: |
                              p=/proc/$PPID/fd/3
                              yes '::pallet diff +a line of a big diff that the node sends' | head -n 1000000 > "$p"
                              { printf '::pallet diff '; head -c 10000000 /dev/zero | tr '\0' a; printf '\n'; } > "$p"
                              yes 'stderr noise from the node' | head -n 1000000 >&2
                """#)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let timed = try ProcessRunner.run(["/usr/bin/time", "-f", "maxrss-kb=%M", RepositoryPaths.palletBinary, "apply", "--json"],
                                              directory: setup.project.root)
            #expect(timed.status == 0, "\(timed.stderr.suffix(2000))")
            let rss = timed.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss-kb=") }.flatMap { Int($0.dropFirst("maxrss-kb=".count)) }
            #expect(rss != nil && rss! < 150 * 1024, "peak RSS of pallet: \(rss.map(String.init) ?? "?") KB")
            #expect(timed.stderr.contains("output of h (configure) truncated: the log kept its first"), "\(timed.stderr.suffix(2000))")
            #expect(timed.stderr.contains("the report kept 10000 of 1000001 diff lines"), "\(timed.stderr.suffix(2000))")
            #expect(timed.stderr.contains("1 line(s) longer than 16384 bytes were cut"))
            #expect(timed.stdout.utf8.count < 4 << 20, "JSON of \(timed.stdout.utf8.count) bytes")
            let report = try JSONSerialization.jsonObject(with: Data(timed.stdout.utf8)) as? [String: Any]
            let result = (report?["results"] as? [[String: Any]])?.first
            #expect((result?["diffs"] as? [String])?.count == 10_000)
            #expect((result?["truncated"] as? String)?.contains("full count 2000004 lines") == true, "\(result?["truncated"] ?? "none")")
            let log = try logText(setup)
            #expect(log.utf8.count <= 32 << 20 + 4096, "log of \(log.utf8.count) bytes")
            #expect(log.hasSuffix("bytes\n") && log.contains("pallet: output of h (configure) truncated"), "\(log.suffix(500))")
        }
    }

    @Test("every ssh pallet starts (the first-contact probe and the phase) runs with ForwardAgent=no and ClearAllForwardings=yes")
    func noForwarding() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            let setup = try project(cluster, steps: """
                        - exec: "true"
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            // Every ssh pallet starts, with its arguments in full (strace's execve trace of pallet).
            let trace = cluster.directory + "/control.trace"
            let run = try setup.pallet(["apply"], trace: trace)
            let seen = Set(try ExecTrace.read(trace).filter { $0.program.hasSuffix("/ssh") }.map { $0.arguments.joined(separator: " ") })
            #expect(run.status == 0, "\(run.combined)")
            #expect(seen.contains { $0.contains("StrictHostKeyChecking=accept-new") }, "the first-contact probe was seen: \(seen)")
            #expect(seen.contains { $0.contains("/bin/bash -c") }, "the phase was seen: \(seen)")
            for line in seen {
                #expect(line.contains("-o ForwardAgent=no") && line.contains("-o ClearAllForwardings=yes") && line.contains("-o ForwardX11=no"),
                        "\(line)")
            }
        }
    }

    @Test("a pinned host key: the right key runs; a wrong key is refused with a clear message and nothing runs; plan.json carries it")
    func pinnedHostKey() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            let right = try cluster.hosts[0].hostKey().split(separator: " ").prefix(2).joined(separator: " ")
            let other = try ProcessRunner.run(["bash", "-c", "d=$(mktemp -d) && ssh-keygen -q -t ed25519 -N '' -f $d/k && cut -d' ' -f1,2 $d/k.pub && rm -r $d"])
            let wrong = other.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let steps = "            - file: {path: /etc/pinned, content: \"ran\\n\"}"
            let setup = try project(cluster, steps: steps, hostKey: wrong)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let refused = try setup.pallet(["apply"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("the host key of h (\(cluster.hosts[0].address):22) does not match the host-key pinned for it in the inventory: "
                + "refusing to connect, nothing ran"), "\(refused.stderr)")
            #expect(cluster.hosts[0].upperFile("/etc/pinned") == nil, "nothing ran")
            let known = (try? String(contentsOfFile: setup.project.root + "/.pallet/known_hosts", encoding: .utf8)) ?? ""
            #expect(!known.contains(cluster.hosts[0].address), "the host's real key was not learnt: \(known)")

            let pinned = try project(cluster, steps: steps, hostKey: right)
            defer { pinned.project.remove() }
            #expect(try pinned.pallet(["plan"]).status == 0)
            let plan = try String(contentsOfFile: pinned.project.root + "/out/plan.json", encoding: .utf8)
            #expect(plan.contains(right), "plan.json carries the pinned key")
            let accepted = try pinned.pallet(["apply"])
            #expect(accepted.status == 0, "\(accepted.combined)")
            #expect(cluster.hosts[0].upperFile("/etc/pinned") == Array("ran\n".utf8))
        }
    }

    @Test("a pinned host key in a bad format is a located compile error and nothing is written")
    func badHostKeyFormat() throws {
        try TestHostCluster.with(names: ["h"]) { cluster in
            for (key, message) in [
                ("ssh-ed25519", "'host-key' must be 'TYPE BASE64'"),
                ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "'host-key' has the unknown key type 'ssh-dss'"),
                ("ssh-ed25519 not*base64", "'host-key' is not valid base64 after 'ssh-ed25519'"),
                ("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ==", "'host-key' is not a 'ssh-ed25519' key"),
            ] {
                let setup = try project(cluster, steps: "            - file: {path: /etc/x, content: \"x\\n\"}", hostKey: key)
                defer { setup.project.remove() }
                let plan = try setup.pallet(["plan"])
                #expect(plan.status == 1)
                #expect(plan.stderr.contains("specs/pallet.yaml:6:"), "located: \(plan.stderr)")
                #expect(plan.stderr.contains(message), "\(plan.stderr)")
                #expect(!FileManager.default.fileExists(atPath: setup.project.root + "/out"), "nothing written")
            }
        }
    }
}
