import Foundation
import PalletContract
import PalletTestSupport
import Testing

// The packages transaction of a group with `vendor:` on real test hosts with no apt source and
// no package list: the bundle runs as the executor lays it out (b/ beside debs/<sha256>.deb in a
// root-only folder), and installs the sent files without any repository.

@Suite("Vendored packages on test hosts", .enabled(if: TestHostSupport.requireRoot("Vendored packages on test hosts")))
struct VendoredPackageHostTests {
    static let debs = Result {
        try TestDebs([.init("pallet-vend-a", depends: "pallet-vend-b"), .init("pallet-vend-b"), .init("pallet-vend-c"),
                      .init("pallet-vend-b", "2.0-1")])
    }

    /// The configure bundle of group `g` (with `vendor:` for the machine's release) doing `steps`.
    static func bundle(_ steps: String, debs: TestDebs) throws -> [UInt8] {
        let target = try TestDebs.machineTarget()
        let lock = debs.lock(release: target.release, architecture: target.architecture, needs: [
            ("pallet-vend-a", ["pallet-vend-a", "pallet-vend-b"]), ("pallet-vend-b=1.0-1", ["pallet-vend-b"]), ("pallet-vend-c", ["pallet-vend-c"]),
        ])
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                vendor: {release: \(target.release), architecture: \(target.architecture)}
                phases:
                  configure:
            \(steps)
            """, extra: ["specs/vendor.lock": lock])
        try #require(errors.isEmpty, "\(errors)")
        return try #require(tree?.files["groups/g/configure.tar"]).bytes
    }

    /// Runs `bundle` as the executor's remote command lays it out: `b/` and `debs/` in a fresh
    /// root-only folder under /run.
    static func run(_ bundle: [UInt8], on host: TestHost, debs: [String: [UInt8]], check: Bool = false) throws -> BundleRun {
        var entries = try TarArchive.read(bundle).map { TarEntry(path: "b/" + $0.path, kind: $0.kind, mode: $0.mode) }
        entries.append(TarEntry(path: "debs", kind: .directory, mode: 0o700))
        for (sha, bytes) in debs { entries.append(TarEntry(path: "debs/\(sha).deb", kind: .file(bytes), mode: 0o600)) }
        let script = "set -e; umask 077; d=$(mktemp -d /run/pallet-test.XXXXXX); trap 'rm -rf \"$d\"' EXIT; tar -xf - -C \"$d\"; "
            + "PALLET_CHECK=\(check ? 1 : 0) bash \"$d/b/run.sh\""
        return BundleRun(result: try host.exec(["bash", "-c", script], stdin: try TarArchive.make(entries)))
    }

    /// Installs the package file `deb` on the host with dpkg, as if it came there another way.
    static func preinstall(_ deb: [UInt8], on host: TestHost) throws {
        let result = try host.exec(["bash", "-c", "cat >/root/pre.deb && dpkg -i /root/pre.deb >/dev/null && rm /root/pre.deb"], stdin: deb)
        try #require(result.status == 0, "\(result.combined)")
    }

    /// `bytes` by their SHA-256, as the executor sends them.
    static func sent(_ files: [UInt8]...) -> [String: [UInt8]] {
        Dictionary(files.map { (SHA256.hexDigest($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test("an installed dependency (another version) is left alone; a pin installs its own file (a downgrade); again: ok; check changes nothing")
    func installedLeftAlonePinHonoured() throws {
        let debs = try Self.debs.get()
        try TestHost.with(name: "vend-pin") { host in
            try host.cutOffFromRepositories()
            try Self.preinstall(debs.file("pallet-vend-b", "2.0-1"), on: host)
            let a = try Self.bundle("          - packages: [pallet-vend-a]\n", debs: debs)

            let check = try Self.run(a, on: host, debs: Self.sent(debs.file("pallet-vend-a")), check: true)
            #expect(check.statuses == ["would-change"], "\(check.result.combined)")
            #expect(try host.installedVersion("pallet-vend-a") == nil)
            #expect(host.loggedAptGetCalls().isEmpty)

            let first = try Self.run(a, on: host, debs: Self.sent(debs.file("pallet-vend-a")))
            #expect(first.statuses == ["changed"], "\(first.result.combined)")
            #expect(try host.installedVersion("pallet-vend-a") == "1.0-1")
            #expect(try host.installedVersion("pallet-vend-b") == "2.0-1", "an installed dependency is left alone")
            #expect(try Self.run(a, on: host, debs: [:]).statuses == ["ok"])

            let pin = try Self.bundle("          - packages: [pallet-vend-b=1.0-1]\n", debs: debs)
            let pinned = try Self.run(pin, on: host, debs: Self.sent(debs.file("pallet-vend-b")))
            #expect(pinned.statuses == ["changed"], "\(pinned.result.combined)")
            #expect(try host.installedVersion("pallet-vend-b") == "1.0-1")
            #expect(host.writtenFile("/opt/pallet-vend/pallet-vend-b") == Array("pallet-vend-b 1.0-1\n".utf8))
            #expect(try Self.run(pin, on: host, debs: [:]).statuses == ["ok"])
            let calls = host.loggedAptGetCalls()
            #expect(calls.count == 2 && calls.allSatisfy { $0.contains("Dir::Etc::SourceList=/dev/null") && !$0.contains("update") }, "\(calls)")
            #expect(calls.last?.contains("--allow-downgrades") == true, "\(calls)")
        }
    }

    @Test("a sent file whose SHA-256 differs from vendor.list, or a file not sent, fails the step naming the package; nothing is installed")
    func nodeChecksEachFile() throws {
        let debs = try Self.debs.get()
        try TestHost.with(name: "vend-sha") { host in
            try host.cutOffFromRepositories()
            let c = try Self.bundle("          - packages: [pallet-vend-c]\n", debs: debs)
            var altered = debs.file("pallet-vend-c")
            altered[altered.count - 1] ^= 1
            let wrong = try Self.run(c, on: host, debs: [debs.sha("pallet-vend-c"): altered])
            #expect(wrong.statuses == ["failed"], "\(wrong.result.combined)")
            #expect(wrong.result.stderr.contains("the vendored file of pallet-vend-c 1.0-1 (\(debs.sha("pallet-vend-c")).deb) does not match its SHA-256"),
                    "\(wrong.result.stderr)")
            let missing = try Self.run(c, on: host, debs: [:])
            #expect(missing.statuses == ["failed"])
            #expect(missing.result.stderr.contains("the vendored file of pallet-vend-c 1.0-1"), "\(missing.result.stderr)")
            #expect(try host.installedVersion("pallet-vend-c") == nil)
            #expect(host.loggedAptGetCalls().isEmpty)
        }
    }

    @Test("absent removes an installed package with no repository and no list refresh")
    func absentWithoutRepository() throws {
        let debs = try Self.debs.get()
        try TestHost.with(name: "vend-absent") { host in
            try host.cutOffFromRepositories()
            try Self.preinstall(debs.file("pallet-vend-c"), on: host)
            let remove = try Self.bundle("          - packages: {names: [pallet-vend-c], state: absent}\n", debs: debs)
            let run = try Self.run(remove, on: host, debs: [:])
            #expect(run.statuses == ["changed"], "\(run.result.combined)")
            #expect(try host.installedVersion("pallet-vend-c") == nil)
            #expect(try Self.run(remove, on: host, debs: [:]).statuses == ["ok"])
            #expect(!host.loggedAptGetCalls().contains { $0.contains("update") }, "\(host.loggedAptGetCalls())")
        }
    }

    @Test("latest installs the locked version, then stays ok: the lock's version is the newest a vendored group knows")
    func latestIsTheLockedVersion() throws {
        let debs = try Self.debs.get()
        try TestHost.with(name: "vend-latest") { host in
            try host.cutOffFromRepositories()
            let latest = try Self.bundle("          - packages: {names: [pallet-vend-c], state: latest}\n", debs: debs)
            let first = try Self.run(latest, on: host, debs: Self.sent(debs.file("pallet-vend-c")))
            #expect(first.statuses == ["changed"], "\(first.result.combined)")
            #expect(try host.installedVersion("pallet-vend-c") == "1.0-1")
            #expect(try Self.run(latest, on: host, debs: [:]).statuses == ["ok"])
            #expect(host.loggedAptGetCalls().count == 1, "\(host.loggedAptGetCalls())")
        }
    }

    @Test("a Red Hat-like node with dnf fails a vendored transaction clearly: vendor: needs apt")
    func dnfNodeFailsClearly() throws {
        let debs = try Self.debs.get()
        try TestHost.with(name: "vend-dnf") { host in
            // A node that says it is Rocky Linux and has dnf and rpm on PATH (they are never run).
            let setup = try host.shell("""
                printf 'ID="rocky"\\nID_LIKE="rhel centos fedora"\\nVERSION_ID="9.4"\\nNAME="Rocky Linux"\\n' >/etc/os-release
                printf '#!/bin/sh\\nexit 1\\n' >/usr/local/sbin/dnf && cp /usr/local/sbin/dnf /usr/local/sbin/rpm
                chmod 0755 /usr/local/sbin/dnf /usr/local/sbin/rpm
                """)
            try #require(setup.status == 0, "\(setup.combined)")
            let c = try Self.bundle("          - packages: [pallet-vend-c]\n", debs: debs)
            let run = try Self.run(c, on: host, debs: Self.sent(debs.file("pallet-vend-c")))
            #expect(run.statuses == ["failed"], "\(run.result.combined)")
            #expect(run.result.stderr.contains("this group installs vendored .deb files (vendor:), which needs apt; dnf nodes are not supported"),
                    "\(run.result.stderr)")
        }
    }
}
