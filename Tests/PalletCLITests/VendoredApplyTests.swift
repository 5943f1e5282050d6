import Foundation
import PalletContract
import PalletTestSupport
import Testing

/// `pallet apply` of a group with `vendor:` on test hosts whose apt has no source and no package
/// list: the executor sends the `.deb` files a node lacks from the project's cache, and the node
/// installs them without a repository.
@Suite("pallet apply with vendored packages", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet apply with vendored packages")))
struct VendoredApplyTests {
    /// pallet-vend-a (depending on pallet-vend-b), pallet-vend-b and pallet-vend-c.
    static func debs() throws -> TestDebs {
        try TestDebs([.init("pallet-vend-a", depends: "pallet-vend-b"), .init("pallet-vend-b"), .init("pallet-vend-c")])
    }

    /// A planned project: group `v` (vendored: pallet-vend-a and pallet-vend-c) on `vendored`
    /// hosts, group `w` (a file) on the others; the lock and the cache written.
    static func project(_ cluster: TestHostCluster, vendored: [String], debs: TestDebs) throws -> ClusterProject {
        let target = try TestDebs.machineTarget()
        var groupOf: [String: String] = [:]
        for host in cluster.hosts { groupOf[host.name] = vendored.contains(host.name) ? "v" : "w" }
        let setup = try ClusterProject(cluster: cluster, groupOf: groupOf, groups: """
              v:
                service: lab
                vendor: {release: \(target.release), architecture: \(target.architecture)}
                phases:
                  configure:
                    - packages: [pallet-vend-a, pallet-vend-c]
              w:
                service: lab
                phases: {configure: [{file: {path: /etc/w, content: "w\\n"}}]}
            """)
        try setup.project.write("specs/vendor.lock", debs.lock(release: target.release, architecture: target.architecture, needs: [
            ("pallet-vend-a", ["pallet-vend-a", "pallet-vend-b"]), ("pallet-vend-c", ["pallet-vend-c"]),
        ]))
        for (_, bytes) in debs.files { try setup.project.write(".pallet/vendor/\(SHA256.hexDigest(bytes)).deb", bytes: bytes) }
        let plan = try setup.pallet(["plan"])
        try #require(plan.status == 0, "\(plan.combined)")
        return setup
    }

    /// The report's result of `node`.
    static func result(_ stdout: String, node: String) throws -> [String: Any] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let results = report["results"] as? [[String: Any]] ?? []
        return try #require(results.first { $0["node"] as? String == node && $0["phase"] as? String == "configure" }, "\(stdout)")
    }

    /// The node logs of every run, for a failure's message.
    static func nodeLogs(_ setup: ClusterProject) throws -> String {
        try ProcessRunner.run(["bash", "-c", "tail -n 30 .pallet/runs/*/*/*.log"], directory: setup.project.root).stdout
    }

    static func sent(_ result: [String: Any]) -> Int? {
        (result["vendored"] as? [String: Any])?["files"] as? Int
    }

    @Test("a closure installs in dependency order with no repository; an installed package is not sent; again: nothing sent, nothing changed; check sends nothing")
    func installsWithoutRepository() throws {
        let debs = try Self.debs()
        try TestHostCluster.with(names: ["v1", "v2"]) { cluster in
            let setup = try Self.project(cluster, vendored: ["v1", "v2"], debs: debs)
            defer { setup.project.remove() }
            let v1 = try #require(cluster["v1"]), v2 = try #require(cluster["v2"])
            for host in [v1, v2] { try host.cutOffFromRepositories() }
            let preinstall = try v2.exec(["bash", "-c", "cat >/root/c.deb && dpkg -i /root/c.deb >/dev/null && rm /root/c.deb"],
                                         stdin: debs.file("pallet-vend-c"))
            try #require(preinstall.status == 0, "\(preinstall.combined)")

            let check = try setup.pallet(["apply", "--check", "--json"])
            #expect(check.status == 0, "\(check.combined)")
            #expect(try Self.result(check.stdout, node: "v1")["outcome"] as? String == "changed")
            #expect(Self.sent(try Self.result(check.stdout, node: "v1")) == nil)
            #expect(try v1.installedVersion("pallet-vend-a") == nil && v1.installedVersion("pallet-vend-b") == nil)
            let checkLogs = try ProcessRunner.run(["bash", "-c", "find .pallet/runs -name '*.vendor.log'"], directory: setup.project.root)
            #expect(checkLogs.stdout.isEmpty, "check mode asked the nodes: \(checkLogs.stdout)")

            let first = try setup.pallet(["apply", "--json"])
            #expect(first.status == 0, "\(first.combined)\n\((try? Self.nodeLogs(setup)) ?? "")")
            #expect(Self.sent(try Self.result(first.stdout, node: "v1")) == 3)
            #expect(Self.sent(try Self.result(first.stdout, node: "v2")) == 2, "pallet-vend-c is installed on v2 and must not be sent")
            for host in [v1, v2] {
                for name in ["pallet-vend-a", "pallet-vend-b", "pallet-vend-c"] {
                    #expect(try host.installedVersion(name) == "1.0-1", "\(host.name) \(name)")
                    #expect(host.upperFile("/opt/pallet-vend/\(name)") == Array("\(name) 1.0-1\n".utf8), "\(host.name) \(name)")
                }
                // pallet-vend-a's postinst ran after pallet-vend-b was unpacked: apt ordered the dependency first.
                #expect(host.upperFile("/opt/pallet-vend/pallet-vend-a-saw-pallet-vend-b") != nil, "\(host.name)")
                let calls = host.loggedAptGetCalls()
                #expect(!calls.contains { $0.contains("update") }, "\(host.name): \(calls)")
                #expect(calls.count == 1 && calls[0].contains("Dir::Etc::SourceList=/dev/null"), "\(host.name): \(calls)")
            }

            let second = try setup.pallet(["apply", "--json", "--detailed-exitcode"])
            #expect(second.status == 0, "nothing should change: \(second.combined)")
            for node in ["v1", "v2"] {
                let result = try Self.result(second.stdout, node: node)
                #expect(result["outcome"] as? String == "ok")
                #expect(Self.sent(result) == 0)
                #expect((result["vendored"] as? [String: Any])?["bytes"] as? Int == 0)
            }
            let logs = try ProcessRunner.run(["bash", "-c", "cat .pallet/runs/*/v1/configure.vendor.log"], directory: setup.project.root)
            #expect(logs.stdout.contains("pallet: sent 3 vendored file(s)") && logs.stdout.contains("pallet: sent 0 vendored file(s) (0 bytes)"),
                    "\(logs.stdout)")
        }
    }

    @Test("an altered or missing cache file stops that node before anything runs on it, naming the file; a node of another group goes on")
    func alteredCacheStopsTheNode() throws {
        let debs = try Self.debs()
        try TestHostCluster.with(names: ["v1", "w1"]) { cluster in
            let setup = try Self.project(cluster, vendored: ["v1"], debs: debs)
            defer { setup.project.remove() }
            let v1 = try #require(cluster["v1"]), w1 = try #require(cluster["w1"])
            let shaB = debs.sha("pallet-vend-b")
            var altered = debs.file("pallet-vend-b")
            altered[altered.count - 1] ^= 1
            try setup.project.write(".pallet/vendor/\(shaB).deb", bytes: altered)

            let run = try setup.pallet(["apply", "--json"])
            #expect(run.status == 1, "\(run.combined)")
            let failed = try Self.result(run.stdout, node: "v1")
            #expect(failed["outcome"] as? String == "failed")
            let message = failed["message"] as? String ?? ""
            #expect(message.contains(".pallet/vendor/\(shaB).deb (pallet-vend-b 1.0-1)") && message.contains("does not match"), "\(message)")
            #expect(try Self.result(run.stdout, node: "w1")["outcome"] as? String == "changed")
            #expect(w1.upperFile("/etc/w") == Array("w\n".utf8))
            #expect(v1.upperFile("/opt/pallet-vend/pallet-vend-a") == nil)
            #expect(try v1.installedVersion("pallet-vend-b") == nil)
            // Not even a connection: no log of v1 in the run's folder.
            let logs = try ProcessRunner.run(["bash", "-c", "find .pallet/runs -path '*/v1/*' -type f"], directory: setup.project.root)
            #expect(logs.stdout.isEmpty, "\(logs.stdout)")

            try FileManager.default.removeItem(atPath: setup.project.root + "/.pallet/vendor/\(shaB).deb")
            let missing = try setup.pallet(["apply", "--json"])
            #expect(missing.status == 1)
            let reason = try Self.result(missing.stdout, node: "v1")["message"] as? String ?? ""
            #expect(reason.contains(".pallet/vendor/\(shaB).deb (pallet-vend-b 1.0-1) is missing"), "\(reason)")
            #expect(try Self.result(missing.stdout, node: "w1")["outcome"] as? String == "ok")
        }
    }

    @Test("an edited plan.json cannot send a cached file that the bundle's reviewed vendor.list does not name")
    func onlyReviewedFilesAreSent() throws {
        let debs = try Self.debs()
        try TestHostCluster.with(names: ["v1"]) { cluster in
            let setup = try Self.project(cluster, vendored: ["v1"], debs: debs)
            defer { setup.project.remove() }
            // Air-gapped control host: out/ without specs. A file of the cache's that no request needs
            // is put in plan.json's list in place of pallet-vend-c's.
            let stray: [UInt8] = Array("not a package\n".utf8)
            let straySha = SHA256.hexDigest(stray)
            try setup.project.write(".pallet/vendor/\(straySha).deb", bytes: stray)
            try FileManager.default.removeItem(atPath: setup.project.root + "/specs")
            let plan = try setup.project.read("out/plan.json").replacingOccurrences(of: debs.sha("pallet-vend-c"), with: straySha)
            try setup.project.write("out/plan.json", plan)

            let run = try setup.pallet(["apply", "--json"])
            #expect(run.status == 1, "\(run.combined)")
            let message = try Self.result(run.stdout, node: "v1")["message"] as? String ?? ""
            #expect(message.contains("which its reviewed vendor.list does not name"), "\(message)")
            #expect(try cluster.hosts[0].installedVersion("pallet-vend-a") == nil)
        }
    }
}
