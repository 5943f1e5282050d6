import Foundation
import PalletSpec
import Subprocess

/// The control host's apt-get run for one target with everything private: its own lists, cache,
/// an empty dpkg status (so a closure is every package a bare node needs) and no lock, in a
/// temporary folder, so the control host's own apt state (`/var/lib/apt`, `/var/cache/apt`,
/// `/var/lib/dpkg`) is never read for packages nor written.
struct AptWorkspace {
    /// The temporary folder.
    let folder: String
    /// The release and architecture resolved for.
    let target: VendorTarget
    /// An apt sources file for the target's release, or nil for the control host's own sources.
    let sources: String?

    /// The most apt may print on one stream.
    static let outputLimit = 1 << 26

    /// Creates the folder and its layout. It is left readable (0755) so apt's download sandbox
    /// user (`_apt`) can write its partial folders, which apt sets up itself.
    init(target: VendorTarget, sources: String?) throws {
        guard let folder = PrivateFolder.create(in: NSTemporaryDirectory(), prefix: "pallet-vendor.") else {
            throw VendorError("cannot create a temporary folder in \(NSTemporaryDirectory())")
        }
        self.folder = folder
        self.target = target
        self.sources = sources
        let manager = FileManager.default
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        for path in ["state/lists/partial", "cache/archives/partial", "log", "sources.list.d"] {
            try manager.createDirectory(atPath: "\(folder)/\(path)", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        guard manager.createFile(atPath: "\(folder)/status", contents: Data()),
              manager.createFile(atPath: "\(folder)/sources.list", contents: Data()) else {
            throw VendorError("cannot write apt's private files in \(folder)")
        }
        if let sources {
            guard let bytes = manager.contents(atPath: sources) else { throw VendorError("cannot read the apt sources file \(sources)") }
            // apt reads a `.sources` file as deb822 and any other as one-line entries.
            let name = sources.hasSuffix(".sources") ? "vendor.sources" : "vendor.list"
            guard manager.createFile(atPath: "\(folder)/sources.list.d/\(name)", contents: bytes) else {
                throw VendorError("cannot copy \(sources) into \(folder)")
            }
        }
    }

    /// The downloaded files' folder.
    var archives: String { "\(folder)/cache/archives" }

    /// The options that make apt private to this folder and resolve for the target.
    var options: [String] {
        var options = [
            "Dir::State=\(folder)/state", "Dir::State::status=\(folder)/status", "Dir::Cache=\(folder)/cache",
            "Dir::Log=\(folder)/log", "Debug::NoLocking=1",
            "APT::Architecture=\(target.architecture)", "APT::Architectures=\(target.architecture)",
        ]
        if sources != nil {
            options += ["Dir::Etc::SourceList=\(folder)/sources.list", "Dir::Etc::SourceParts=\(folder)/sources.list.d"]
        }
        return options.flatMap { ["-o", $0] }
    }

    /// Runs `apt-get OPTIONS arguments...` with `LC_ALL=C`; its exit status and both outputs.
    func run(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let result = try await Subprocess.run(
            .name("apt-get"), arguments: Arguments(options + arguments),
            environment: .inherit.updating(["LC_ALL": "C", "DEBIAN_FRONTEND": "noninteractive"]),
            input: .none, output: .string(limit: Self.outputLimit), error: .string(limit: Self.outputLimit))
        guard case .exited(let code) = result.terminationStatus else { return (-1, result.standardOutput, result.standardError) }
        return (code, result.standardOutput, result.standardError)
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
