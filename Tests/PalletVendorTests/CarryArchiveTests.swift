import Foundation
import PalletContract
import PalletSpec
import PalletTestSupport
import PalletVendor
import Testing

/// `pallet pack`'s archive: what it holds, that it is the same bytes every time, and that a
/// missing or altered package file stops it with nothing written.
@Suite("carry archive")
struct CarryArchiveTests {
    static let spec = "services:\n  lab:\n    provider: hosts\n    hosts:\n      - {name: h1, group: g, address: 127.0.0.1}\n"
        + "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - file: {path: /etc/a, content: \"a\"}\n"

    /// A planned project with a lock of two package files in its cache.
    func project() throws -> (TemporaryProject, VendorLock) {
        let project = try TemporaryProject(files: ["specs/main.yaml": Self.spec])
        let target = VendorTarget(release: "debian-12", architecture: "amd64")
        var lock = VendorLock()
        for (name, bytes) in [("one", Array("first package".utf8)), ("two", Array("second package".utf8))] {
            let package = VendorLock.Package(name: name, version: "1.0", architecture: "all", size: bytes.count, sha256: SHA256.hexDigest(bytes))
            lock.packages[target, default: [:]][name] = package
            try project.write(VendorLock.cacheFolder + "/" + package.cacheName, bytes: bytes)
        }
        lock.needs[target] = ["one": ["one", "two"]]
        try project.write(VendorLock.path, lock.text)
        try project.write(".pallet/known_hosts", "127.0.0.1 ssh-ed25519 AAAA\n")
        try project.write(".pallet/runs/x/h1/configure.log", "a log\n")
        // The lock is an input of the plan: planned after it is written.
        let plan = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root)
        try #require(plan.status == 0, "\(plan.combined)")
        return (project, lock)
    }

    @Test("specs/, out/, known_hosts and every locked package file under one folder; no run log; the same bytes on every build")
    func contents() throws {
        let (project, lock) = try project()
        defer { project.remove() }
        let first = try CarryArchive(projectRoot: project.root).build(top: "carry", lock: lock)
        let second = try CarryArchive(projectRoot: project.root).build(top: "carry", lock: lock)
        #expect(first.bytes == second.bytes)
        #expect(first.packages == 2)
        let paths = Set(try TarArchive.read(first.bytes).filter { !$0.isDirectory }.map(\.path))
        #expect(paths.contains("carry/specs/main.yaml") && paths.contains("carry/specs/vendor.lock"))
        #expect(paths.contains("carry/out/plan.json") && paths.contains("carry/out/groups/g/configure.tar"))
        #expect(paths.contains("carry/.pallet/known_hosts"))
        for package in lock.packages.values.flatMap(\.values) { #expect(paths.contains("carry/.pallet/vendor/\(package.cacheName)")) }
        #expect(!paths.contains { $0.contains("/runs/") }, "\(paths)")
        let runScript = try TarArchive.read(first.bytes).first { $0.path == "carry/out/groups/g/configure/run.sh" }
        #expect(runScript?.mode == 0o755)
    }

    @Test("a missing or altered package file, or a symbolic link in specs/, stops the pack naming it; pallet pack then writes nothing")
    func refusals() throws {
        let (project, lock) = try project()
        defer { project.remove() }
        let one = try #require(lock.packages.values.first?["one"])
        let path = project.root + "/" + VendorLock.cacheFolder + "/" + one.cacheName
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CarryError.self) { try CarryArchive(projectRoot: project.root).build(top: "c", lock: lock) }
        let altered = try ProcessRunner.run([RepositoryPaths.palletBinary, "pack", "--output", "c.tar"], directory: project.root)
        #expect(altered.status == 1)
        #expect(altered.stderr.contains(".pallet/vendor/\(one.cacheName) (one 1.0, debian-12/amd64) does not match its SHA-256"), "\(altered.stderr)")
        #expect(!project.exists("c.tar") && !project.exists("c.tar.sha256"))
        try FileManager.default.removeItem(atPath: path)
        let missing = try ProcessRunner.run([RepositoryPaths.palletBinary, "pack", "--output", "c.tar"], directory: project.root)
        #expect(missing.status == 1 && missing.stderr.contains("is missing: run 'pallet vendor'"), "\(missing.stderr)")
        try project.write(VendorLock.cacheFolder + "/" + one.cacheName, bytes: Array("first package".utf8))
        try FileManager.default.createSymbolicLink(atPath: project.root + "/specs/extra.txt", withDestinationPath: "/etc/passwd")
        let linked = try ProcessRunner.run([RepositoryPaths.palletBinary, "pack", "--output", "c.tar"], directory: project.root)
        #expect(linked.status == 1 && linked.stderr.contains("specs/extra.txt is not a regular file"), "\(linked.stderr)")
        #expect(!project.exists("c.tar"))
    }

    @Test("pallet pack writes the archive and FILE.sha256 that sha256sum -c accepts; a stale out/ is refused")
    func command() throws {
        let (project, _) = try project()
        defer { project.remove() }
        let packed = try ProcessRunner.run([RepositoryPaths.palletBinary, "pack", "--output", "c.tar"], directory: project.root)
        #expect(packed.status == 0, "\(packed.combined)")
        #expect(try ProcessRunner.run(["sha256sum", "-c", "c.tar.sha256"], directory: project.root).status == 0)
        try project.write("specs/main.yaml", Self.spec.replacingOccurrences(of: "\"a\"", with: "\"b\""))
        let stale = try ProcessRunner.run([RepositoryPaths.palletBinary, "pack", "--output", "d.tar"], directory: project.root)
        #expect(stale.status == 1 && stale.stderr.contains("is not what specs/ compile to"), "\(stale.stderr)")
        #expect(!project.exists("d.tar"))
    }
}
