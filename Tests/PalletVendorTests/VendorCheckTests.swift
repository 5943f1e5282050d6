import Foundation
import PalletContract
import PalletSpec
import PalletTestSupport
import PalletVendor
import Testing

/// `pallet vendor --check` without the network: the lock must resolve exactly the vendored
/// requests and the cache must hold each of its files with the lock's SHA-256.
@Suite("pallet vendor --check")
struct VendorCheckTests {
    let file = Array("a package file's bytes\n".utf8)

    /// The main spec of group `g` vendored for debian-12, its configure phase `steps` (list items at
    /// 8 spaces), then `more` (keys of the group at 4 spaces).
    func vendoredGroup(_ steps: String, more: String = "") -> MarkedText {
        mainSpec("groups:\n  g:\n    service: lab\n    vendor: {release: debian-12}\n    phases:\n      configure:\n" + steps + more)
    }

    /// A project vendoring `hello` for debian-12, a lock for `lockRequests`, and its one file in the cache.
    func project(lockRequests: [String]) throws -> (TemporaryProject, MarkedText, VendorLock.Package) {
        let spec = vendoredGroup("        - ⟨step⟩packages: {names: [hello]}\n")
        let package = VendorLock.Package(name: "hello", version: "2.10-3", architecture: "amd64", size: file.count, sha256: SHA256.hexDigest(file))
        let target = VendorTarget(release: "debian-12", architecture: "amd64")
        var lock = VendorLock(packages: [target: ["hello": package]])
        for request in lockRequests { lock.needs[target, default: [:]][request] = ["hello"] }
        let project = try TemporaryProject(files: ["specs/main.yaml": spec.text, VendorLock.path: lock.text])
        try project.write(VendorLock.cacheFolder + "/" + package.cacheName, bytes: file)
        return (project, spec, package)
    }

    func check(_ project: TemporaryProject) throws -> ProcessResult {
        try ProcessRunner.run([RepositoryPaths.palletBinary, "vendor", "--check", "--project", project.root])
    }

    @Test("a complete lock and cache exit 0; an altered file, a link, a request the lock lacks and one it has too many exit 2, each listed")
    func completeAndIncomplete() throws {
        let (complete, _, package) = try project(lockRequests: ["hello"])
        defer { complete.remove() }
        let ok = try check(complete)
        #expect(ok.status == 0 && ok.stdout.contains("covers every vendored request"), "\(ok.combined)")
        #expect(VendorCheck.problems(projectRoot: complete.root, diagnostics: Diagnostics()) == [])

        try complete.write(VendorLock.cacheFolder + "/" + package.cacheName, bytes: file + [0])
        let altered = try check(complete)
        #expect(altered.status == 2, "\(altered.combined)")
        #expect(altered.stdout == "\(VendorLock.cacheFolder)/\(package.cacheName) (hello 2.10-3) does not match the lock: its SHA-256 is \(SHA256.hexDigest(file + [0])), \(file.count + 1) bytes\n")

        // A link is not the file, even to the right bytes.
        let path = complete.root + "/" + VendorLock.cacheFolder + "/" + package.cacheName
        try complete.write("elsewhere.deb", bytes: file)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: complete.root + "/elsewhere.deb")
        let linked = try check(complete)
        #expect(linked.status == 2 && linked.stdout == "\(VendorLock.cacheFolder)/\(package.cacheName) (hello 2.10-3) is not a regular file\n", "\(linked.combined)")

        let (stale, spec, _) = try project(lockRequests: ["hello=2.10-2"])
        defer { stale.remove() }
        let result = try check(stale)
        #expect(result.status == 2, "\(result.combined)")
        #expect(result.stdout == """
            \(spec.at("step", in: "specs/main.yaml")): specs/vendor.lock does not resolve 'hello' for debian-12/amd64 (run pallet vendor)
            specs/vendor.lock: 'hello=2.10-2' for debian-12/amd64 is not asked for by any vendored group (run pallet vendor)

            """, "\(result.stdout)")
    }

    @Test("a malformed lock is an error at its line and exits 1")
    func malformedLock() throws {
        let (project, _, _) = try project(lockRequests: ["hello"])
        defer { project.remove() }
        try project.write(VendorLock.path, "debian-12 amd64 deb hello 1 amd64 x \(String(repeating: "0", count: 64))\n")
        let result = try check(project)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stderr.contains("specs/vendor.lock:1:35: error: 'x' is not a size in bytes"), "\(result.stderr)")
    }

    @Test("a package a notified handler installs is a vendored request too; an absent package and one for another OS family are not")
    func handlerPackages() throws {
        let spec = vendoredGroup("""
                    - packages: {names: [hello]}
                    - packages: {names: [telnet], state: absent}
                    - packages: {names: [dnf-only]}
                      when: {os-family: [rhel]}
                    - {exec: "true", notify: [tools]}

            """, more: """
                handlers:
                  tools:
                    - ⟨handler⟩package: {name: curl}

            """)
        let project = try TemporaryProject(files: ["specs/main.yaml": spec.text])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let found = VendorProject(projectRoot: project.root, diagnostics: diagnostics)
        #expect(diagnostics.sorted.isEmpty, "\(diagnostics.sorted)")
        let requests = found.requests[VendorTarget(release: "debian-12", architecture: "amd64")] ?? []
        #expect(requests.map(\.text) == ["hello", "curl"])
        #expect(requests.last?.origin.description == spec.at("handler", in: "specs/main.yaml"))
    }
}
