import PalletSpec
import PalletTestSupport
import Testing

/// `specs/vendor.lock` read and written (`VendorLock`), and a group's `vendor:` key: every
/// malformed line or value is an error at its line and column, each place a marker (`⟨name⟩`).
@Suite("Vendor lock and vendor: key")
struct VendorLockTests {
    let lockFile = "specs/vendor.lock"
    let sha = String(repeating: "ab", count: 32)

    /// The lock parsed from `marked`'s text, and every diagnostic as text.
    func parse(_ marked: MarkedText) -> (VendorLock, [String]) {
        let diagnostics = Diagnostics()
        let lock = VendorLock.parse(marked.text, file: lockFile, diagnostics: diagnostics)
        return (lock, diagnostics.sorted.map(\.description))
    }

    @Test("a lock's text parses back to the same lock, and the text is sorted whatever the insertion order")
    func roundTrip() {
        let bookworm = VendorTarget(release: "debian-12", architecture: "amd64")
        let jammy = VendorTarget(release: "ubuntu-22.04", architecture: "arm64")
        var lock = VendorLock()
        lock.packages[bookworm] = [
            "nginx": .init(name: "nginx", version: "1.22.1-9+deb12u11", architecture: "amd64", size: 532488, sha256: sha),
            "libbpf1": .init(name: "libbpf1", version: "1:1.1.2-0+deb12u1", architecture: "amd64", size: 145032, sha256: String(repeating: "0", count: 64)),
            "debconf": .init(name: "debconf", version: "1.5.82", architecture: "all", size: 121212, sha256: String(repeating: "f", count: 64)),
        ]
        lock.needs[bookworm] = ["nginx": ["debconf", "libbpf1", "nginx"], "debconf=1.5.82": ["debconf"]]
        lock.packages[jammy] = ["hello": .init(name: "hello", version: "2.10-2ubuntu4", architecture: "arm64", size: 1, sha256: sha)]
        lock.needs[jammy] = ["hello": ["hello"]]
        let (parsed, errors) = parse(MarkedText(lock.text))
        #expect(errors.isEmpty, "\(errors)")
        #expect(parsed == lock)
        #expect(parsed.text == lock.text)
        // The text is canonical: names in any order write the same bytes.
        var shuffled = lock
        shuffled.needs[bookworm]?["nginx"] = ["nginx", "debconf", "libbpf1"]
        #expect(shuffled.text == lock.text)
        let lines = lock.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == [
            "debian-12 amd64 deb debconf 1.5.82 all 121212 \(String(repeating: "f", count: 64))",
            "debian-12 amd64 deb libbpf1 1:1.1.2-0+deb12u1 amd64 145032 \(String(repeating: "0", count: 64))",
            "debian-12 amd64 deb nginx 1.22.1-9+deb12u11 amd64 532488 \(sha)",
            "debian-12 amd64 needs debconf=1.5.82 debconf",
            "debian-12 amd64 needs nginx debconf libbpf1 nginx",
            "ubuntu-22.04 arm64 deb hello 2.10-2ubuntu4 arm64 1 \(sha)",
            "ubuntu-22.04 arm64 needs hello hello",
        ])
        #expect(parsed.closure(of: "nginx", for: bookworm)?.map(\.name) == ["debconf", "libbpf1", "nginx"])
        #expect(parsed.closure(of: "curl", for: bookworm) == nil)
    }

    @Test("each malformed line is an error at its line and the word at fault, and the other lines still count")
    func malformedLines() {
        let spec = MarkedText("""
            # a comment
            ⟨short⟩debian-12 amd64 deb
            ⟨release⟩debian amd64 deb nginx 1 amd64 1 \(sha)
            debian-12 ⟨arch⟩AMD64 deb nginx 1 amd64 1 \(sha)
            debian-12 amd64 ⟨kind⟩debs nginx 1 amd64 1 \(sha)
            debian-12 amd64 ⟨count⟩deb nginx 1 amd64 1
            debian-12 amd64 deb nginx 1 amd64 ⟨size⟩-5 \(sha)
            debian-12 amd64 deb nginx 1 amd64 5 ⟨sha⟩\(sha.uppercased())
            debian-12 amd64 deb ⟨chars⟩ng$inx 1 amd64 5 \(sha)
            debian-12 amd64 deb good 1 all 5 \(sha)
            debian-12 amd64 deb ⟨twice⟩good 1 all 5 \(sha)
            debian-12 amd64 needs ⟨empty⟩good
            debian-12 amd64 needs good good
            debian-12 amd64 needs ⟨again⟩good good

            """)
        let (lock, errors) = parse(spec)
        let at = { (name: String) in "\(spec.at(name, in: self.lockFile)): error: " }
        #expect(errors == [
            at("short") + "a lock line needs at least: release, architecture, kind ('deb' or 'needs') and a name",
            at("release") + "'debian' is not a release such as debian-12",
            at("arch") + "'AMD64' is not an architecture such as amd64",
            at("kind") + "unknown kind 'debs'; expected 'deb' or 'needs'",
            at("count") + "a 'deb' line has: release architecture deb name version architecture size sha256",
            at("size") + "'-5' is not a size in bytes",
            at("sha") + "'\(sha.uppercased())' is not a SHA-256 in lowercase hex",
            at("chars") + "unexpected characters in 'ng$inx' (single spaces between words, no tabs)",
            at("twice") + "package 'good' is listed twice for debian-12/amd64",
            at("empty") + "a 'needs' line has: release architecture needs request package... (the request's package among them)",
            at("again") + "request 'good' is listed twice for debian-12/amd64",
        ], "\(errors)")
        let target = VendorTarget(release: "debian-12", architecture: "amd64")
        #expect(lock.closure(of: "good", for: target)?.map(\.name) == ["good"])
    }

    @Test("a needs line naming a package without a deb line is an error at that name")
    func needsWithoutDeb() {
        let spec = MarkedText("""
            debian-12 amd64 deb nginx 1.22 amd64 10 \(sha)
            debian-12 amd64 needs nginx nginx ⟨missing⟩nginx-common

            """)
        let (lock, errors) = parse(spec)
        #expect(errors == ["\(spec.at("missing", in: lockFile)): error: request 'nginx' for debian-12/amd64 needs 'nginx-common', which has no 'deb' line"], "\(errors)")
        #expect(lock.closure(of: "nginx", for: VendorTarget(release: "debian-12", architecture: "amd64")) == nil)
    }

    /// The specs of a project whose `specs/main.yaml` is `marked`'s text, and every diagnostic.
    func load(_ marked: MarkedText, lock: String? = nil) throws -> (SpecSet, [String]) {
        var files = ["specs/main.yaml": marked.text]
        if let lock { files[lockFile] = lock }
        let project = try TemporaryProject(files: files)
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root, userConfigDirectory: nil).load(diagnostics: diagnostics)
        return (specs, diagnostics.sorted.map(\.description))
    }

    @Test("a group's vendor: decodes its release and architecture (amd64 when not given), and the project's lock is loaded")
    func vendorKeyDecodes() throws {
        let lock = "debian-12 amd64 deb hello 2.10-3 amd64 53080 \(sha)\ndebian-12 amd64 needs hello hello\n"
        let (specs, errors) = try load(mainSpec("""
            groups:
              g:
                service: lab
                vendor: {release: debian-12}
              h:
                service: lab
                vendor: {release: ubuntu-22.04, architecture: arm64}
            """), lock: lock)
        #expect(errors.isEmpty, "\(errors)")
        #expect(specs.group(named: "g")?.vendor?.value == VendorTarget(release: "debian-12", architecture: "amd64"))
        #expect(specs.group(named: "h")?.vendor?.value == VendorTarget(release: "ubuntu-22.04", architecture: "arm64"))
        #expect(specs.vendorLock?.text == VendorLock.parse(lock, file: lockFile, diagnostics: Diagnostics()).text)
        #expect(specs.vendorLock?.needs[VendorTarget(release: "debian-12", architecture: "amd64")]?["hello"] == ["hello"])
    }

    @Test("a bad release, a bad architecture and a missing release in vendor: are errors where they are written")
    func vendorKeyErrors() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                vendor: {release: ⟨release⟩bookworm}
              b:
                service: lab
                vendor: {release: debian-12, architecture: ⟨arch⟩x86_64}
              c:
                service: lab
                vendor: ⟨missing⟩{architecture: amd64}
            """)
        let (specs, errors) = try load(spec)
        let file = "specs/main.yaml"
        #expect(errors == [
            "\(spec.at("release", in: file)): error: 'bookworm' is not a release such as debian-12 or ubuntu-22.04 (ID-VERSION_ID of /etc/os-release)",
            "\(spec.at("arch", in: file)): error: 'x86_64' is not a dpkg architecture such as amd64 or arm64",
            "\(spec.at("missing", in: file)): error: 'vendor' of group-spec 'c' needs 'release', such as debian-12 (ID-VERSION_ID of the nodes' /etc/os-release)",
        ], "\(errors)")
        #expect(specs.group(named: "g")?.vendor == nil)
    }
}
