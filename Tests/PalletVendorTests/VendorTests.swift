import Foundation
import PalletContract
import PalletSpec
import PalletTestSupport
import PalletVendor
import Testing

/// `pallet vendor` for real: this machine's apt resolves and downloads from the sources it is
/// configured with (deb.debian.org), in a private workspace. Few tests use the network: one
/// resolves, downloads, runs again and checks; the others stop before apt runs.
@Suite("pallet vendor")
struct VendorTests {
    /// A project with group `g` of the hosts preamble vendored for `release`, its configure
    /// phase asking for `packages` (flow-list items, as written).
    func project(release: String, packages: String) throws -> (TemporaryProject, MarkedText) {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                vendor: {release: \(release)}
                phases:
                  configure:
                    - ⟨step⟩packages: {names: [\(packages)]}
            """)
        return (try TemporaryProject(files: ["specs/main.yaml": spec.text]), spec)
    }

    /// This machine's release, as `pallet vendor` compares it with a target's.
    var hostRelease: String { HostRelease.read() ?? "unknown-0" }

    /// Every path under the control host's apt state and cache with its type, size and
    /// modification time, to show they were not touched.
    func aptStateListing() throws -> String {
        try ProcessRunner.run(["find", "/var/lib/apt", "/var/cache/apt", "/var/lib/dpkg/status", "-printf", "%p %y %s %T@\\n"]).stdout
    }

    /// `pallet vendor ARGUMENTS --project ROOT`.
    func pallet(_ arguments: [String], project: TemporaryProject) throws -> ProcessResult {
        try ProcessRunner.run([RepositoryPaths.palletBinary, "vendor", "--project", project.root] + arguments)
    }

    @Test("nginx and a pinned package: the lock's closures, digests and control fields are the cache's; the host's apt state is untouched; a second run downloads nothing and writes the same bytes; --check finds a deleted or altered file")
    func vendorsForReal() async throws {
        // The pin is the current candidate of a small package, as this machine's apt sees it.
        let policy = try ProcessRunner.run(["apt-cache", "policy", "hello"]).stdout
        let candidate = try #require(policy.split(separator: "\n").first { $0.contains("Candidate:") }?.split(separator: " ").last.map(String.init))
        let (project, _) = try project(release: hostRelease, packages: "nginx, \"hello=\(candidate)\"")
        defer { project.remove() }
        let before = try aptStateListing()
        let sources = try VendorSources(arguments: [], hostRelease: hostRelease)
        let diagnostics = Diagnostics()
        let first = try #require(try await Vendorer(projectRoot: project.root, sources: sources).run(diagnostics: diagnostics))
        #expect(diagnostics.sorted.isEmpty, "\(diagnostics.sorted)")
        #expect(try aptStateListing() == before, "the control host's apt state changed")

        let target = VendorTarget(release: hostRelease, architecture: "amd64")
        let lockText = try project.read(VendorLock.path)
        #expect(lockText == first.lock.text)
        let needs = try #require(first.lock.needs[target])
        #expect(Set(needs.keys) == ["nginx", "hello=\(candidate)"])
        #expect(Set(needs["nginx"] ?? []).isSuperset(of: ["nginx", "nginx-common", "libc6"]), "\(needs)")
        #expect(Set(needs["hello=\(candidate)"] ?? []).isSuperset(of: ["hello", "libc6"]), "\(needs)")
        let packages = try #require(first.lock.packages[target])
        #expect(packages["hello"]?.version == candidate)
        #expect(Set(packages.keys) == Set(needs.values.joined()), "the lock names exactly the files the closures need")
        let cache = VendorCache(projectRoot: project.root)
        for package in packages.values {
            let path = cache.path(of: package)
            #expect(VendorCache.digest(ofFileAt: path)?.sha256 == package.sha256, "\(package.name)")
            #expect(VendorCache.digest(ofFileAt: path)?.size == package.size, "\(package.name)")
            let fields = try ProcessRunner.run(["dpkg-deb", "-f", path, "Package", "Version", "Architecture"]).stdout
            #expect(fields == "Package: \(package.name)\nVersion: \(package.version)\nArchitecture: \(package.architecture)\n")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o644, "\(package.name)")
        }
        let report = try #require(first.reports.first)
        #expect(first.reports.count == 1 && report.packages == packages.count && report.requests == 2)
        #expect(report.downloadedFiles + report.cachedFiles == packages.count && report.downloadedFiles > 0)
        #expect(report.downloadedBytes == packages.values.reduce(0) { $0 + $1.size } || report.cachedFiles > 0)

        let again = try pallet([], project: project)
        #expect(again.status == 0, "\(again.combined)")
        #expect(again.stdout.contains("\(target): 2 requests, \(packages.count) packages resolved, 0 bytes downloaded in 0 files, \(packages.count) already cached"), "\(again.stdout)")
        #expect(try project.read(VendorLock.path) == lockText, "the second run wrote other bytes")
        #expect(try aptStateListing() == before, "the control host's apt state changed")

        let check = try pallet(["--check"], project: project)
        #expect(check.status == 0, "\(check.combined)")
        let nginx = try #require(packages["nginx"]), libc = try #require(packages["libc6"])
        try FileManager.default.removeItem(atPath: cache.path(of: nginx))
        try project.write(VendorLock.cacheFolder + "/" + libc.cacheName, "not a package")
        let broken = try pallet(["--check"], project: project)
        #expect(broken.status == 2, "\(broken.combined)")
        #expect(broken.stdout.contains("\(VendorLock.cacheFolder)/\(nginx.cacheName) (nginx \(nginx.version)) is missing"), "\(broken.stdout)")
        #expect(broken.stdout.contains("\(VendorLock.cacheFolder)/\(libc.cacheName) (libc6 \(libc.version)) does not match the lock"), "\(broken.stdout)")
        #expect(broken.stdout.split(separator: "\n").count == 2, "\(broken.stdout)")
    }

    @Test("a package name only the node knows is an error at its step, and nothing is written; a request apt could read as an option is never valid")
    func templateName() async throws {
        let (project, spec) = try project(release: hostRelease, packages: "nginx, \"nginx-{{ node.name }}\"")
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let result = try await Vendorer(projectRoot: project.root, sources: VendorSources(arguments: [], hostRelease: hostRelease)).run(diagnostics: diagnostics)
        #expect(result == nil)
        let at = spec.at("step", in: "specs/main.yaml")
        #expect(diagnostics.sorted.map(\.description) == [
            "\(at): error: a package name cannot use node values such as {{ node.name }}",
        ])
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
        let cli = try pallet([], project: project)
        #expect(cli.status == 1 && cli.stderr.contains("\(at): error: a package name cannot use node values"), "\(cli.combined)")
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
        #expect(["nginx", "nginx=1.22.1-9+deb12u11", "libbpf1=1:1.1.2-0+deb12u1", "g++-12"].allSatisfy(VendorRequest.isValid))
        #expect(!["-oDebug::X=1", "nginx=-o", "", "=1", "nginx=", "Nginx", "ng inx", "nginx=1 2"].contains(where: VendorRequest.isValid))
    }

    @Test("a release other than the control host's needs --sources: a clear error naming the release, before any network, nothing written")
    func otherReleaseNeedsSources() async throws {
        let other = hostRelease == "debian-11" ? "debian-10" : "debian-11"
        let (project, _) = try project(release: other, packages: "nginx")
        defer { project.remove() }
        let cli = try pallet([], project: project)
        #expect(cli.status == 1, "\(cli.combined)")
        #expect(cli.stderr.contains("pallet: error: groups vendored for \(other) need --sources FILE: an apt sources file for \(other)"), "\(cli.stderr)")
        #expect(cli.stderr.contains("the control host is \(hostRelease)"), "\(cli.stderr)")
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
        let sources = try VendorSources(arguments: ["\(other)=/tmp/x.sources", "/tmp/y.list"], hostRelease: hostRelease)
        #expect(try sources.file(for: VendorTarget(release: other, architecture: "amd64")) == "/tmp/x.sources")
        #expect(try sources.file(for: VendorTarget(release: "debian-99", architecture: "amd64")) == "/tmp/y.list")
        #expect(try sources.file(for: VendorTarget(release: hostRelease, architecture: "amd64")) == nil)
        #expect(throws: VendorError.self) { try VendorSources(arguments: ["/a.list", "/b.list"], hostRelease: hostRelease) }
    }

    /// A deb822 sources file for Debian 11 (bullseye), signed by `keyring`, in `project`.
    func bullseyeSources(in project: TemporaryProject, keyring: String) throws -> String {
        try project.write("bullseye.sources", """
            Types: deb
            URIs: http://deb.debian.org/debian
            Suites: bullseye
            Components: main
            Signed-By: \(keyring)

            """)
        return project.root + "/bullseye.sources"
    }

    @Test("another release resolves from --sources: the lock holds that release's versions; the host's apt state is untouched")
    func otherReleaseFromSources() async throws {
        let (project, _) = try project(release: "debian-11", packages: "hello")
        defer { project.remove() }
        let sources = try bullseyeSources(in: project, keyring: "/usr/share/keyrings/debian-archive-keyring.gpg")
        let before = try aptStateListing()
        let result = try pallet(["--sources", sources], project: project)
        #expect(result.status == 0, "\(result.combined)")
        #expect(try aptStateListing() == before, "the control host's apt state changed")
        let diagnostics = Diagnostics()
        let lock = VendorLock.parse(try project.read(VendorLock.path), file: VendorLock.path, diagnostics: diagnostics)
        #expect(diagnostics.sorted.isEmpty)
        let target = VendorTarget(release: "debian-11", architecture: "amd64")
        let closure = try #require(lock.closure(of: "hello", for: target))
        #expect(Set(closure.map(\.name)).isSuperset(of: ["hello", "libc6"]))
        // Debian 11's C library is 2.31, Debian 12's 2.36.
        #expect(closure.first { $0.name == "libc6" }?.version.hasPrefix("2.31-") == true, "\(closure)")
        #expect(lock.packages.keys.map(\.release) == ["debian-11"])
    }

    @Test("a repository whose signature the sources' keyring does not verify stops vendoring with apt's reason; nothing is written")
    func unverifiedRepository() async throws {
        let (project, _) = try project(release: "debian-11", packages: "hello")
        defer { project.remove() }
        // A keyring of another archive: apt cannot verify Debian's InRelease with it.
        let keyring = project.root + "/other.gpg"
        try FileManager.default.copyItem(atPath: "/usr/share/keyrings/debian-archive-trixie-stable.gpg", toPath: keyring)
        let result = try pallet(["--sources", try bullseyeSources(in: project, keyring: keyring)], project: project)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stderr.contains("pallet: error: apt-get update for debian-11/amd64 failed (apt checks each repository's signature)"), "\(result.stderr)")
        #expect(result.stderr.contains("is not signed") || result.stderr.contains("NO_PUBKEY"), "\(result.stderr)")
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
    }

    @Test("a project without vendored groups gets no lock and downloads nothing")
    func nothingVendored() throws {
        let project = try TemporaryProject(files: ["specs/main.yaml": mainSpec("groups:\n  g: {service: lab}\n").text])
        defer { project.remove() }
        let result = try pallet([], project: project)
        #expect(result.status == 0 && result.stdout == "pallet: no group has vendor:; nothing to download\n", "\(result.combined)")
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
    }

    @Test("an architecture other than the control host's resolves that architecture's packages (control fields read from the files)")
    func otherArchitecture() async throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                vendor: {release: \(hostRelease), architecture: arm64}
                phases:
                  configure:
                    - packages: {names: [hello]}
            """)
        let project = try TemporaryProject(files: ["specs/main.yaml": spec.text])
        defer { project.remove() }
        let result = try pallet([], project: project)
        #expect(result.status == 0, "\(result.combined)")
        let lock = VendorLock.parse(try project.read(VendorLock.path), file: VendorLock.path, diagnostics: Diagnostics())
        let closure = try #require(lock.closure(of: "hello", for: VendorTarget(release: hostRelease, architecture: "arm64")))
        #expect(closure.first { $0.name == "hello" }?.architecture == "arm64")
        #expect(closure.first { $0.name == "libc6" }?.architecture == "arm64")
        #expect(closure.allSatisfy { $0.architecture == "arm64" || $0.architecture == "all" }, "\(closure)")
        let hello = try #require(closure.first { $0.name == "hello" })
        let fields = try ProcessRunner.run(["dpkg-deb", "-f", VendorCache(projectRoot: project.root).path(of: hello), "Architecture"]).stdout
        #expect(fields == "arm64\n")
    }

    @Test("two requests that need two versions of one package are an error at the request, naming both; nothing is written")
    func oneVersionPerTarget() async throws {
        // An older version of nginx-common than the one nginx's candidate needs, as this machine's apt lists them.
        let policy = try ProcessRunner.run(["apt-cache", "policy", "nginx-common"]).stdout.split(separator: "\n")
        let candidate = try #require(policy.first { $0.contains("Candidate:") }?.split(separator: " ").last.map(String.init))
        // Version lines are "VERSION PRIORITY" (after " *** " for the installed one); source lines have a URI too.
        let rows: [[Substring]] = policy.dropFirst(3).map { line in line.split(separator: " ").filter { $0 != "***" } }
        let versions: [String] = rows.filter { row in row.count == 2 && row[0].first?.isNumber == true }.map { row in String(row[0]) }
        let older = try #require(versions.first { $0 != candidate }, "this machine's apt lists one version of nginx-common: \(policy)")
        let (project, spec) = try project(release: hostRelease, packages: "nginx, \"nginx-common=\(older)\"")
        defer { project.remove() }
        let result = try pallet([], project: project)
        let at = spec.at("step", in: "specs/main.yaml")
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stderr.contains("\(at): error: 'nginx-common=\(older)' needs nginx-common \(older) on \(hostRelease)/amd64, but 'nginx' (\(at)) needs nginx-common \(candidate); a target has one version of each package"), "\(result.stderr)")
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
    }

    @Test("a package apt cannot find is an error at its step with apt's reason; nothing is written")
    func unknownPackage() async throws {
        let (project, spec) = try project(release: hostRelease, packages: "nginx, no-such-package-pallet")
        defer { project.remove() }
        let result = try pallet([], project: project)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stderr.contains("""
            \(spec.at("step", in: "specs/main.yaml")): error: apt cannot resolve 'no-such-package-pallet' for \(hostRelease)/amd64:
            E: Unable to locate package no-such-package-pallet
            """), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("pallet: \(VendorLock.path) was not changed\n"), "\(result.stderr)")
        #expect(!project.exists(VendorLock.path) && !project.exists(".pallet"))
    }
}
