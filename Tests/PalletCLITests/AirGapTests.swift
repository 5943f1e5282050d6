import Foundation
import PalletContract
import PalletTestSupport
import Testing

/// docs/airgap.md end to end with examples/airgap: `pallet vendor` on a connected machine (this
/// one, through its apt sources), `pallet pack`, the archive checked and unpacked in another
/// folder (the air-gapped control host), and `pallet apply` from there to a test host whose apt has
/// no source, no package list and a proxy on a closed port.
@Suite("air-gapped apply", .serialized, .enabled(if: TestHostSupport.requireRoot("air-gapped apply")))
struct AirGapTests {
    /// The vendored files the JSON report says were sent to web-1 in its configure phase.
    static func sentFiles(_ json: String) -> Int? {
        guard let report = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let results = report["results"] as? [[String: Any]],
              let result = results.first(where: { $0["node"] as? String == "web-1" && $0["phase"] as? String == "configure" }) else { return nil }
        return (result["vendored"] as? [String: Any])?["files"] as? Int
    }

    @Test("examples/airgap: vendored, packed, carried and applied to a node with no repository: nginx answers; again: nothing sent or changed; the node opened no network connection")
    func offlineNginx() throws {
        try TestHostCluster.with(names: ["web-1"]) { cluster in
            let web = try #require(cluster["web-1"])
            try web.cutOffFromRepositories()
            let offline = try web.exec(["bash", "-c", "printf '%s\\n' 'Acquire::http::Proxy \"http://127.0.0.1:9/\";' "
                + "'Acquire::https::Proxy \"http://127.0.0.1:9/\";' >/etc/apt/apt.conf.d/99pallet-offline"])
            try #require(offline.status == 0, "\(offline.combined)")
            let target = try TestDebs.machineTarget()

            // The connected workstation: the example with this test's host, key and release.
            let example = try String(contentsOfFile: RepositoryPaths.root + "/examples/airgap/specs/pallet.yaml", encoding: .utf8)
            let spec = example
                .replacingOccurrences(of: "username: pallet-admin", with: "username: admin")
                .replacingOccurrences(of: "~/.ssh/pallet-admin", with: cluster.keyPair.privateKey)
                .replacingOccurrences(of: "192.0.2.11", with: web.address)
                .replacingOccurrences(of: "listen: \"80\"", with: "listen: \"\(web.address):80\"")
                .replacingOccurrences(of: "release: debian-12, architecture: amd64", with: "release: \(target.release), architecture: \(target.architecture)")
            let workstation = try TemporaryProject(files: ["specs/pallet.yaml": spec])
            defer { workstation.remove() }
            func pallet(_ arguments: [String], in folder: String) throws -> ProcessResult {
                try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: folder)
            }
            let vendored = try pallet(["vendor"], in: workstation.root)
            try #require(vendored.status == 0, "\(vendored.combined)")
            let lock = try workstation.read("specs/vendor.lock")
            #expect(lock.contains(" needs nginx "), "\(lock)")
            try #require(try pallet(["plan"], in: workstation.root).status == 0)
            try FileManager.default.createDirectory(atPath: workstation.root + "/again", withIntermediateDirectories: true)
            let packed = try pallet(["pack", "--output", "carry.tar"], in: workstation.root)
            try #require(packed.status == 0, "\(packed.combined)")
            #expect(try pallet(["pack", "--output", "again/carry.tar"], in: workstation.root).status == 0)
            let first = try #require(FileManager.default.contents(atPath: workstation.root + "/carry.tar"))
            #expect(first.count > 1_000_000, "the .deb files travel in the archive")
            #expect(FileManager.default.contents(atPath: workstation.root + "/again/carry.tar") == first, "the same project packs to the same bytes")

            // The air-gapped control host: only the archive and its checksum.
            let gap = try TemporaryProject()
            defer { gap.remove() }
            for name in ["carry.tar", "carry.tar.sha256"] {
                try FileManager.default.copyItem(atPath: workstation.root + "/" + name, toPath: gap.root + "/" + name)
            }
            let unpacked = try ProcessRunner.run(["bash", "-c", "sha256sum -c carry.tar.sha256 && tar -xf carry.tar"], directory: gap.root)
            try #require(unpacked.status == 0, "\(unpacked.combined)")
            let project = gap.root + "/carry"
            #expect(FileManager.default.fileExists(atPath: project + "/specs/vendor.lock"))

            let trace = try ExecTrace.attach(to: [web.sshdProcess()], file: cluster.directory + "/airgap.trace", syscalls: ["execve", "connect"])
            let applied = try pallet(["apply", "--json"], in: project)
            let connects = try trace.stop()
            #expect(applied.status == 0, "\(applied.combined)")
            let page = try ProcessRunner.run(["curl", "-s", "--max-time", "5", "http://\(web.address)/"])
            #expect(page.stdout == "<h1>Hello from web-1, offline</h1>\n", "\(page.combined)")
            #expect(try web.installedVersion("nginx") != nil)
            let network = try ExecTrace.lines(cluster.directory + "/airgap.trace", containing: "connect(").filter {
                $0.contains("AF_INET") || $0.contains("AF_INET6")
            }
            #expect(network.isEmpty, "the node tried the network: \(network)")
            // One apt-get run, an install of the sent files with no source list at all; never an update.
            let aptCalls = web.loggedAptGetCalls()
            #expect(aptCalls.count == 1, "\(aptCalls)")
            #expect(aptCalls.allSatisfy { $0.contains("Dir::Etc::SourceList=/dev/null") && $0.contains(" install ") && $0.contains(".deb") },
                    "\(aptCalls)")
            #expect(!aptCalls.contains { $0.contains("update") }, "\(aptCalls)")
            // The trace saw the install run (so an empty trace cannot pass for "no connection").
            #expect(connects.contains { $0.program.hasSuffix("apt-get") } && connects.contains { $0.program.hasSuffix("dpkg") },
                    "\(connects.map(\.program))")

            #expect(Self.sentFiles(applied.stdout) ?? 0 > 0, "\(applied.stdout)")
            let rerun = try pallet(["apply", "--json", "--detailed-exitcode"], in: project)
            #expect(rerun.status == 0, "a second apply changes nothing: \(rerun.combined)")
            #expect(Self.sentFiles(rerun.stdout) ?? 0 == 0, "a second apply sends nothing: \(rerun.stdout)")
            #expect(web.loggedAptGetCalls().count == 1, "no apt-get on the second apply")
        }
    }
}
