import Foundation
import PalletTestSupport
import Testing

/// Nodes behind a bastion (`via:`), applied end to end through a real sshd acting as the jump host.
///
/// Test hosts share the machine's network namespace, so "reachable only through the bastion" is
/// made true with an nftables rule in that namespace: TCP to the target's address on port 22 is
/// rejected unless the connecting socket belongs to the bastion's admin user. The bastion's sshd
/// opens a `direct-tcpip` channel's connection as the logged-in user, while pallet, its ssh and
/// this test run as root: a direct ssh to the target fails, a jump through the bastion works.
@Suite("nodes behind a bastion", .serialized, .enabled(if: TestHostSupport.requireRoot("nodes behind a bastion")))
struct BastionTests {
    /// A project whose one node `inner` (group g) is reached through the bastion `gate`.
    func project(_ cluster: TestHostCluster, bastionKey: String? = nil) throws -> TemporaryProject {
        let gate = try #require(cluster["gate"])
        let inner = try #require(cluster["inner"])
        let project = try TemporaryProject()
        let pinned = bastionKey.map { ", host-key: \"\($0)\"" } ?? ""
        try project.write("specs/pallet.yaml", """
            admin-user: {username: admin, private-key: \(cluster.keyPair.privateKey)}
            services:
              segment:
                provider: hosts
                bastions:
                  gate: {address: \(gate.address), user: admin\(pinned)}
                hosts:
                  - {name: inner, group: g, address: \(inner.address), via: gate}
            groups:
              g:
                service: segment
                phases:
                  configure:
                    - file: {path: /etc/node-name, content: "{{ node.name }}\\n"}
            """)
        return project
    }

    /// Runs the pallet binary in `project`.
    func pallet(_ arguments: [String], in project: TemporaryProject) throws -> ProcessResult {
        try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root)
    }

    /// Runs `body` while TCP to `target`:22 is rejected for every socket not owned by `uid`; the
    /// rule's table is deleted afterwards, whatever `body` does.
    func onlyThrough(uid: String, target: String, _ body: () throws -> Void) throws {
        let table = "pallet_bastion_\(getpid())"
        let nft = "/usr/sbin/nft"
        _ = try ProcessRunner.run([nft, "delete", "table", "inet", table])
        defer { _ = try? ProcessRunner.run([nft, "delete", "table", "inet", table]) }
        for command in [
            ["add", "table", "inet", table],
            ["add", "chain", "inet", table, "out", "{ type filter hook output priority 0; policy accept; }"],
            ["add", "rule", "inet", table, "out", "ip", "daddr", target, "tcp", "dport", "22", "meta", "skuid", "!=", uid, "reject", "with", "tcp", "reset"],
        ] {
            let result = try ProcessRunner.run([nft] + command)
            try #require(result.status == 0, "nft \(command.joined(separator: " ")): \(result.combined)")
        }
        try body()
    }

    @Test("a node reachable only through the bastion: a direct ssh fails, apply through via configures it, known_hosts records the bastion, a second apply changes nothing")
    func applyThroughBastion() throws {
        try TestHostCluster.with(names: ["gate", "inner"]) { cluster in
            let gate = try #require(cluster["gate"])
            let inner = try #require(cluster["inner"])
            let uid = try gate.shell("id -u admin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(!uid.isEmpty && uid != "0")
            let project = try project(cluster)
            defer { project.remove() }
            #expect(try pallet(["plan"], in: project).status == 0)
            try onlyThrough(uid: uid, target: inner.address) {
                let direct = try inner.ssh("true")
                #expect(direct.status == 255, "a direct ssh to the target must fail while the rule is in place: \(direct.combined)")
                #expect(try gate.ssh("true").status == 0, "the bastion itself stays reachable")

                let trace = cluster.directory + "/control.trace"
                let first = try ProcessRunner.run(ExecTrace.command([RepositoryPaths.palletBinary, "apply"], file: trace), directory: project.root)
                #expect(first.status == 0, "\(first.combined)")
                // The jump connection really runs as pallet's own ssh, with pallet's options.
                let calls = try ExecTrace.read(trace).filter { $0.program.hasSuffix("/ssh") }
                let jumps = calls.filter { $0.arguments.contains("-W") }
                #expect(!jumps.isEmpty, "no jump connection was started: \(calls)")
                for jump in jumps {
                    for option in ["ForwardAgent=no", "ClearAllForwardings=yes", "BatchMode=yes", "IdentitiesOnly=yes", "GlobalKnownHostsFile=/dev/null"] {
                        #expect(jump.arguments.contains(option), "\(option) missing: \(jump)")
                    }
                    #expect(jump.arguments.suffix(3) == ["[\(inner.address)]:22", "--", gate.address], "\(jump)")
                }
                #expect(!calls.contains { $0.arguments.contains("-J") || $0.arguments.contains { $0.hasPrefix("ProxyJump") } }, "\(calls)")
                #expect(inner.upperFile("/etc/node-name") == Array("inner\n".utf8))
                #expect(gate.upperFile("/etc/node-name") == nil, "nothing runs on the bastion")
                let known = try String(contentsOfFile: project.root + "/.pallet/known_hosts", encoding: .utf8)
                let hosts = known.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
                #expect(hosts.contains(gate.address), "the bastion's key is recorded: \(known)")
                #expect(hosts.contains(inner.address), "the node's key is recorded: \(known)")

                let second = try pallet(["apply", "--detailed-exitcode"], in: project)
                #expect(second.status == 0, "a second apply changes nothing: \(second.combined)")
                #expect(try String(contentsOfFile: project.root + "/.pallet/known_hosts", encoding: .utf8) == known)
            }
        }
    }

    @Test("a bastion whose host key changed is refused, naming the bastion; a pinned bastion key: the right key runs, a wrong one is refused")
    func changedBastionKey() throws {
        try TestHostCluster.with(names: ["gate", "inner"]) { cluster in
            let gate = try #require(cluster["gate"])
            let inner = try #require(cluster["inner"])
            let project = try project(cluster)
            defer { project.remove() }
            #expect(try pallet(["plan"], in: project).status == 0)
            #expect(try pallet(["apply"], in: project).status == 0)
            // Replace the bastion's recorded key with another key.
            let other = try ProcessRunner.run(["bash", "-c", "d=$(mktemp -d) && ssh-keygen -q -t ed25519 -N '' -f $d/k && cut -d' ' -f1,2 $d/k.pub && rm -r $d"])
            let forgedKey = other.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let knownHosts = project.root + "/.pallet/known_hosts"
            let known = try String(contentsOfFile: knownHosts, encoding: .utf8)
            let forged = known.split(separator: "\n").map { line in
                line.hasPrefix(gate.address + " ") ? "\(gate.address) \(forgedKey)" : String(line)
            }.joined(separator: "\n") + "\n"
            try Data(forged.utf8).write(to: URL(fileURLWithPath: knownHosts))
            #expect(try inner.shell("echo drift > /etc/node-name").status == 0)
            let refused = try pallet(["apply"], in: project)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("the host key of bastion gate (\(gate.address):22)"), "\(refused.stderr)")
            #expect(inner.upperFile("/etc/node-name") == Array("drift\n".utf8), "nothing ran")

            let realKey = try gate.hostKey().split(separator: " ").prefix(2).joined(separator: " ")
            for (key, works) in [(realKey, true), (forgedKey, false)] {
                let pinned = try self.project(cluster, bastionKey: key)
                defer { pinned.remove() }
                #expect(try pallet(["plan"], in: pinned).status == 0)
                let run = try pallet(["apply"], in: pinned)
                #expect(run.status == (works ? 0 : 1), "\(run.combined)")
                if works {
                    #expect(inner.upperFile("/etc/node-name") == Array("inner\n".utf8))
                    let recorded = (try? String(contentsOfFile: pinned.root + "/.pallet/known_hosts", encoding: .utf8)) ?? ""
                    #expect(!recorded.contains(gate.address + " "), "a pinned bastion is not recorded: \(recorded)")
                } else {
                    // On first contact the connection is multiplexed, and ssh then discards the jump
                    // connection's messages: the error names the bastion and the possible causes.
                    #expect(run.stderr.contains("through bastion gate (\(gate.address):22)") && run.stderr.contains("host key does not match"), "\(run.stderr)")
                }
                #expect(try inner.shell("echo drift > /etc/node-name").status == 0)
            }
        }
    }
}
