import Foundation
import PalletTestSupport
import Testing

/// `pallet apply` of a group with `vendor:` on test hosts whose apt has no source and no package
/// list: the executor sends the `.deb` files a node lacks from the project's cache, and the node
/// installs them without a repository.
@Suite("pallet apply with vendored packages", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet apply with vendored packages")))
struct VendoredApplyTests {
    /// Three real packages built for the test: pallet-vend-a (depends on pallet-vend-b, and its
    /// postinst records whether pallet-vend-b was installed before it), pallet-vend-b and
    /// pallet-vend-c, each installing /opt/pallet-vend/NAME.
    struct Debs {
        var files: [String: [UInt8]] = [:]
        var sha: [String: String] = [:]

        static func build() throws -> Debs {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pallet-vend-\(UInt64.random(in: 1...UInt64.max))").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let script = #"""
                set -euo pipefail
                build() {
                  local dir
                  dir=$(mktemp -d)
                  mkdir -p "$dir/DEBIAN" "$dir/opt/pallet-vend"
                  printf 'Package: %s\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Pallet tests <tests@pallet.invalid>\nDescription: a vendored package for pallet tests\n' "$1" >"$dir/DEBIAN/control"
                  if [[ -n $2 ]]; then printf 'Depends: %s\n' "$2" >>"$dir/DEBIAN/control"; fi
                  printf '%s\n' "$1" >"$dir/opt/pallet-vend/$1"
                  if [[ -n $2 ]]; then
                    printf '#!/bin/sh\nset -e\nif [ -e /opt/pallet-vend/%s ]; then touch /opt/pallet-vend/%s-saw-%s; fi\n' "$2" "$1" "$2" >"$dir/DEBIAN/postinst"
                    chmod 0755 "$dir/DEBIAN/postinst"
                  fi
                  dpkg-deb --root-owner-group -Zgzip --build "$dir" "$3/$1.deb" >/dev/null
                  rm -rf "$dir"
                }
                mkdir -p "$1"
                build pallet-vend-b '' "$1"
                build pallet-vend-a pallet-vend-b "$1"
                build pallet-vend-c '' "$1"
                """#
            let result = try ProcessRunner.run(["bash", "-c", script, "-", folder])
            try #require(result.status == 0, "\(result.combined)")
            var debs = Debs()
            for name in ["pallet-vend-a", "pallet-vend-b", "pallet-vend-c"] {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name).deb")))
                debs.files[name] = bytes
                debs.sha[name] = sha256(bytes)
            }
            return debs
        }

        /// specs/vendor.lock for `target` (release, architecture).
        func lock(release: String, architecture: String) -> String {
            let prefix = "\(release) \(architecture)"
            var lines = ["# written by the test"]
            for name in files.keys.sorted() {
                lines.append("\(prefix) deb \(name) 1.0-1 all \(files[name]?.count ?? 0) \(sha[name] ?? "")")
            }
            lines.append("\(prefix) needs pallet-vend-a pallet-vend-a pallet-vend-b")
            lines.append("\(prefix) needs pallet-vend-c pallet-vend-c")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UInt64.random(in: 1...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try? Data(bytes).write(to: URL(fileURLWithPath: folder))
        let result = try? ProcessRunner.run(["sha256sum", folder])
        return String(result?.stdout.prefix(64) ?? "")
    }

    /// The machine's release as /etc/os-release names it (`ID-VERSION_ID`) and dpkg's architecture.
    static func machineTarget() throws -> (release: String, architecture: String) {
        let result = try ProcessRunner.run(["bash", "-c", ". /etc/os-release && printf '%s-%s\\n' \"$ID\" \"$VERSION_ID\" && dpkg --print-architecture"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(result.combined)")
        return (lines[0], lines[1])
    }

    /// A planned project: group `v` (vendored: pallet-vend-a and pallet-vend-c) on `vendored`
    /// hosts, group `w` (a file) on the others; the lock and the cache written.
    static func project(_ cluster: TestHostCluster, vendored: [String], debs: Debs) throws -> ClusterProject {
        let target = try machineTarget()
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
        try setup.project.write("specs/vendor.lock", debs.lock(release: target.release, architecture: target.architecture))
        for (name, bytes) in debs.files { try setup.project.write(".pallet/vendor/\(debs.sha[name] ?? "").deb", bytes: bytes) }
        let plan = try setup.pallet(["plan"])
        try #require(plan.status == 0, "\(plan.combined)")
        return setup
    }

    /// Empties the host's apt sources and package lists, and logs every apt-get call.
    static func cutOff(_ host: TestHost) throws {
        let wrapper = "#!/bin/bash\nprintf '%s\\n' \"$*\" >>/var/log/pallet-tests-apt-get.log\nexec /usr/bin/apt-get \"$@\"\n"
        let result = try host.exec(["bash", "-c", """
            rm -f /etc/apt/sources.list && rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* \
            && cat >/usr/local/sbin/apt-get && chmod 0755 /usr/local/sbin/apt-get && command -v apt-get
            """], stdin: Array(wrapper.utf8))
        try #require(result.stdout == "/usr/local/sbin/apt-get\n", "\(result.combined)")
    }

    /// The installed version of a package on the host, or nil.
    static func installed(_ host: TestHost, _ name: String) throws -> String? {
        let result = try host.exec(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", name])
        let parts = result.stdout.split(separator: "|").map(String.init)
        guard result.status == 0, parts.count == 2, parts[0].hasPrefix("ii") else { return nil }
        return parts[1]
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
        let debs = try Debs.build()
        try TestHostCluster.with(names: ["v1", "v2"]) { cluster in
            let setup = try Self.project(cluster, vendored: ["v1", "v2"], debs: debs)
            defer { setup.project.remove() }
            let v1 = try #require(cluster["v1"]), v2 = try #require(cluster["v2"])
            for host in [v1, v2] { try Self.cutOff(host) }
            let preinstall = try v2.exec(["bash", "-c", "cat >/root/c.deb && dpkg -i /root/c.deb >/dev/null && rm /root/c.deb"],
                                         stdin: debs.files["pallet-vend-c"])
            try #require(preinstall.status == 0, "\(preinstall.combined)")

            let check = try setup.pallet(["apply", "--check", "--json"])
            #expect(check.status == 0, "\(check.combined)")
            #expect(try Self.result(check.stdout, node: "v1")["outcome"] as? String == "changed")
            #expect(Self.sent(try Self.result(check.stdout, node: "v1")) == nil)
            #expect(try Self.installed(v1, "pallet-vend-a") == nil && Self.installed(v1, "pallet-vend-b") == nil)
            let checkLogs = try ProcessRunner.run(["bash", "-c", "find .pallet/runs -name '*.vendor.log'"], directory: setup.project.root)
            #expect(checkLogs.stdout.isEmpty, "check mode asked the nodes: \(checkLogs.stdout)")

            let first = try setup.pallet(["apply", "--json"])
            #expect(first.status == 0, "\(first.combined)\n\((try? Self.nodeLogs(setup)) ?? "")")
            #expect(Self.sent(try Self.result(first.stdout, node: "v1")) == 3)
            #expect(Self.sent(try Self.result(first.stdout, node: "v2")) == 2, "pallet-vend-c is installed on v2 and must not be sent")
            for host in [v1, v2] {
                for name in ["pallet-vend-a", "pallet-vend-b", "pallet-vend-c"] {
                    #expect(try Self.installed(host, name) == "1.0-1", "\(host.name) \(name)")
                    #expect(host.upperFile("/opt/pallet-vend/\(name)") == Array("\(name)\n".utf8), "\(host.name) \(name)")
                }
                // pallet-vend-a's postinst ran after pallet-vend-b was unpacked: apt ordered the dependency first.
                #expect(host.upperFile("/opt/pallet-vend/pallet-vend-a-saw-pallet-vend-b") != nil, "\(host.name)")
                let calls = String(decoding: host.writtenFile("/var/log/pallet-tests-apt-get.log") ?? [], as: UTF8.self)
                #expect(!calls.contains("update"), "\(host.name): \(calls)")
                #expect(calls.split(separator: "\n").count == 1 && calls.contains("Dir::Etc::SourceList=/dev/null"), "\(host.name): \(calls)")
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
        let debs = try Debs.build()
        try TestHostCluster.with(names: ["v1", "w1"]) { cluster in
            let setup = try Self.project(cluster, vendored: ["v1"], debs: debs)
            defer { setup.project.remove() }
            let v1 = try #require(cluster["v1"]), w1 = try #require(cluster["w1"])
            let shaB = try #require(debs.sha["pallet-vend-b"])
            var altered = try #require(debs.files["pallet-vend-b"])
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
            #expect(try Self.installed(v1, "pallet-vend-b") == nil)
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
}
