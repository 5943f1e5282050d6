import ArgumentParser
import PalletSpec
import PalletVendor

/// `pallet vendor`: the `.deb` files of the groups with `vendor:`, resolved, verified, cached,
/// and `specs/vendor.lock`.
struct VendorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vendor",
        abstract: "Download the .deb files of groups with vendor: into .pallet/vendor/ and write specs/vendor.lock (the only command that uses the network).",
        discussion: """
            For each group with `vendor: {release: debian-12, architecture: amd64}`, pallet takes the packages its \
            phases ask for (present or latest; names must be known at plan time) and resolves each one, with its \
            dependencies and without recommends, as a node with no packages installed would need it. It uses the \
            control host's apt-get with private state in a temporary folder (its own lists, cache and an empty dpkg \
            status; the control host's /var/lib/apt, /var/cache/apt and dpkg database are neither read for packages \
            nor changed), so no node needs network or credentials. apt checks each repository's signature \
            (InRelease) and each downloaded file against the signed index's hashes.

            The control host's own sources (/etc/apt/sources.list and sources.list.d) serve the release of its \
            /etc/os-release (ID-VERSION_ID). Any other release needs --sources FILE: an apt sources file for that \
            release (deb822 .sources or one-line .list, with its Signed-By keyring); --sources RELEASE=FILE names \
            the release, for several.

            Each file is stored as .pallet/vendor/<sha256>.deb (git ignores it; a file already there is kept and \
            not downloaded again) and specs/vendor.lock is rewritten in one step with exactly what the specs need:
              debian-12 amd64 deb NAME VERSION ARCH SIZE SHA256    (one per file)
              debian-12 amd64 needs REQUEST NAME...    (the request and its dependencies)
            Commit the lock and review its changes; name, version and architecture come from each file's control \
            fields (dpkg-deb -f). This is the only pallet command that touches the network; plan and apply read \
            the lock and the cache.

            --check uses no network: exit 0 when the lock resolves every request of every vendored group, names \
            nothing else, and the cache holds each of its files with the lock's SHA-256; 2 when something is \
            missing or altered (each listed); 1 on errors.

            Examples:
              pallet vendor                    # the control host's release
              pallet vendor --check            # no network: lock and cache complete?
              pallet vendor --sources bullseye.sources      # another release
              pallet vendor --sources debian-11=bullseye.list \\
                            --sources ubuntu-22.04=jammy.sources
            """
    )

    /// The exit status of `--check` when something is missing (errors exit 1).
    static let missingExitCode: Int32 = 2

    @Option(name: .long, help: "The project folder holding specs/ (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: ArgumentHelp(
        "An apt sources file for a release other than the control host's; RELEASE=FILE for one release (repeatable).",
        valueName: "file"))
    var sources: [String] = []

    @Flag(name: .long, help: "No network: exit 0 when the lock and cache cover the specs, 2 when something is missing (listed), 1 on errors.")
    var check = false

    func validate() throws {
        if check && !sources.isEmpty { throw ValidationError("--check uses no network, so it takes no --sources") }
    }

    func run() async throws {
        let diagnostics = Diagnostics()
        if check { return try runCheck(diagnostics) }
        do {
            let sources = try VendorSources(arguments: sources, hostRelease: HostRelease.read())
            guard let (_, reports) = try await Vendorer(projectRoot: project, sources: sources).run(diagnostics: diagnostics) else {
                try fail(diagnostics, then: "\(VendorLock.path) was not changed")
            }
            for report in reports {
                print("pallet: \(report.target): \(report.requests) request\(report.requests == 1 ? "" : "s"), \(report.packages) package\(report.packages == 1 ? "" : "s") resolved, "
                    + "\(report.downloadedBytes) bytes downloaded in \(report.downloadedFiles) file\(report.downloadedFiles == 1 ? "" : "s"), "
                    + "\(report.cachedFiles) already cached")
            }
            print(reports.isEmpty ? "pallet: no group has vendor:; nothing to download" : "pallet: wrote \(VendorLock.path)")
        } catch let error as VendorError {
            printError(error.location == nil ? "pallet: error: \(error); \(VendorLock.path) was not changed" : "\(error)\npallet: \(VendorLock.path) was not changed")
            throw ExitCode(1)
        }
    }

    func runCheck(_ diagnostics: Diagnostics) throws {
        guard let problems = VendorCheck.problems(projectRoot: project, diagnostics: diagnostics) else {
            try fail(diagnostics, then: "nothing checked")
        }
        guard problems.isEmpty else {
            for problem in problems { print(problem) }
            printError("pallet: the vendored packages are incomplete: \(problems.count) problem\(problems.count == 1 ? "" : "s") (listed above; run pallet vendor)")
            throw ExitCode(Self.missingExitCode)
        }
        print("pallet: \(VendorLock.path) covers every vendored request and .pallet/vendor/ holds each of its files")
    }

    /// Prints the diagnostics and `note`, then exits 1.
    func fail(_ diagnostics: Diagnostics, then note: String) throws -> Never {
        for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
        printError("pallet: \(diagnostics.errorCount) error\(diagnostics.errorCount == 1 ? "" : "s"); \(note)")
        throw ExitCode(1)
    }
}
