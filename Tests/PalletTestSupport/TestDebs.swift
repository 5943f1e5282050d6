import Foundation
import PalletContract

/// Real, tiny `.deb` packages built for a test with `dpkg-deb --build`, and a `specs/vendor.lock`
/// naming them: each package installs `/opt/pallet-vend/NAME` holding `NAME VERSION`; one with a
/// dependency gets a postinst that records whether the dependency was installed before it was
/// configured (`/opt/pallet-vend/NAME-saw-DEPENDENCY`).
public struct TestDebs: Sendable {
    /// One package to build.
    public struct Package: Sendable {
        /// The package's name.
        public var name: String
        /// Its version.
        public var version: String
        /// The package it depends on, if any.
        public var depends: String?

        /// Creates a package description.
        public init(_ name: String, _ version: String = "1.0-1", depends: String? = nil) {
            self.name = name
            self.version = version
            self.depends = depends
        }
    }

    /// The built files, by `NAME=VERSION`.
    public private(set) var files: [String: [UInt8]] = [:]
    /// The packages, in the order given.
    public let packages: [Package]

    /// Builds `packages`.
    public init(_ packages: [Package]) throws {
        self.packages = packages
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pallet-vend-\(UInt64.random(in: 1...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for package in packages {
            let result = try ProcessRunner.run(["bash", "-c", Self.script, "-", folder, package.name, package.version, package.depends ?? ""])
            guard result.status == 0 else { throw TestSupportError("dpkg-deb failed: \(result.combined)") }
            files["\(package.name)=\(package.version)"] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/out.deb")))
        }
    }

    /// Builds one package into `$1/out.deb`: name `$2`, version `$3`, dependency `$4` (or none).
    static let script = #"""
        set -euo pipefail
        dir=$(mktemp -d)
        mkdir -p "$dir/DEBIAN" "$dir/opt/pallet-vend"
        printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: Pallet tests <tests@pallet.invalid>\nDescription: a vendored package for pallet tests\n' "$2" "$3" >"$dir/DEBIAN/control"
        printf '%s %s\n' "$2" "$3" >"$dir/opt/pallet-vend/$2"
        if [[ -n $4 ]]; then
          printf 'Depends: %s\n' "$4" >>"$dir/DEBIAN/control"
          printf '#!/bin/sh\nset -e\nif [ -e /opt/pallet-vend/%s ]; then touch /opt/pallet-vend/%s-saw-%s; fi\n' "$4" "$2" "$4" >"$dir/DEBIAN/postinst"
          chmod 0755 "$dir/DEBIAN/postinst"
        fi
        dpkg-deb --root-owner-group -Zgzip --build "$dir" "$1/out.deb" >/dev/null
        rm -rf "$dir"
        """#

    /// The file of `name` in `version`.
    public func file(_ name: String, _ version: String = "1.0-1") -> [UInt8] {
        files["\(name)=\(version)"] ?? []
    }

    /// The SHA-256 of the file of `name` in `version`.
    public func sha(_ name: String, _ version: String = "1.0-1") -> String {
        SHA256.hexDigest(file(name, version))
    }

    /// A lock for `release` and `architecture` with a `deb` line for each package in its first
    /// version, and the `needs` lines given as (request, package names).
    public func lock(release: String, architecture: String, needs: [(String, [String])]) -> String {
        let prefix = "\(release) \(architecture)"
        var lines = ["# written by the test"]
        var seen = Set<String>()
        for package in packages where seen.insert(package.name).inserted {
            lines.append("\(prefix) deb \(package.name) \(package.version) all \(file(package.name, package.version).count) "
                + sha(package.name, package.version))
        }
        for (request, names) in needs { lines.append("\(prefix) needs \(request) " + names.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The machine's (so a test host's) release, `ID-VERSION_ID` of /etc/os-release, and dpkg's architecture.
    public static func machineTarget() throws -> (release: String, architecture: String) {
        let result = try ProcessRunner.run(["bash", "-c", ". /etc/os-release && printf '%s-%s\\n' \"$ID\" \"$VERSION_ID\" && dpkg --print-architecture"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard lines.count == 2 else { throw TestSupportError("cannot read the machine's release: \(result.combined)") }
        return (lines[0], lines[1])
    }
}

extension TestHost {
    /// Empties the host's apt sources and package lists (no repository is left to ask), and logs
    /// every apt-get call to /var/log/pallet-tests-apt-get.log.
    public func cutOffFromRepositories() throws {
        let wrapper = "#!/bin/bash\nprintf '%s\\n' \"$*\" >>/var/log/pallet-tests-apt-get.log\nexec /usr/bin/apt-get \"$@\"\n"
        let result = try exec(["bash", "-c", """
            rm -f /etc/apt/sources.list && rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* \
            && cat >/usr/local/sbin/apt-get && chmod 0755 /usr/local/sbin/apt-get && command -v apt-get
            """], stdin: Array(wrapper.utf8))
        guard result.stdout == "/usr/local/sbin/apt-get\n" else { throw TestSupportError("cannot cut the host off: \(result.combined)") }
    }

    /// The apt-get calls logged since ``cutOffFromRepositories()``, one per line.
    public func loggedAptGetCalls() -> [String] {
        String(decoding: writtenFile("/var/log/pallet-tests-apt-get.log") ?? [], as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The installed version of a Debian package, or nil.
    public func installedVersion(_ name: String) throws -> String? {
        let result = try exec(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", name])
        let parts = result.stdout.split(separator: "|").map(String.init)
        guard result.status == 0, parts.count == 2, parts[0].hasPrefix("ii") else { return nil }
        return parts[1]
    }
}
