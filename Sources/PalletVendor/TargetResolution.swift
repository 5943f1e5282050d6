import Foundation
import PalletSpec

/// One target's requests resolved and fetched in its private apt workspace.
struct TargetResolution {
    let apt: AptWorkspace
    let requests: [VendorRequest]
    /// The lock before this run: its files already in the cache are handed to apt, which checks
    /// them against the signed index instead of downloading them.
    let previous: VendorLock
    let cache: VendorCache

    var packages: [String: VendorLock.Package] = [:]
    var needs: [String: [String]] = [:]
    var downloadedFiles = 0
    var downloadedBytes = 0
    var cachedFiles = 0

    init(apt: AptWorkspace, requests: [VendorRequest], previous: VendorLock, cache: VendorCache) {
        self.apt = apt
        self.requests = requests
        self.previous = previous
        self.cache = cache
    }

    /// Updates the indexes, resolves each request's closure, downloads the files and stores them.
    func run() async throws -> TargetResolution {
        var result = self
        let target = apt.target
        let update = try await apt.run(["update"])
        guard update.status == 0 else {
            throw VendorError("apt-get update for \(target) failed (apt checks each repository's signature):\n" + AptOutput.problems(update.output + "\n" + update.errors))
        }
        // Each request's closure against an empty dpkg status; one version of each package per target.
        var chosen: [String: (version: String, request: VendorRequest)] = [:]
        var order: [String] = []
        for request in requests {
            let simulation = try await apt.run(["-s", "install", "--no-install-recommends", request.text])
            let installs = AptOutput.installs(simulation.output)
            guard simulation.status == 0, !installs.isEmpty else {
                throw VendorError("apt cannot resolve '\(request.text)' for \(target):\n" + AptOutput.problems(simulation.output + "\n" + simulation.errors), at: request.origin)
            }
            for (name, version) in installs {
                if let other = chosen[name], other.version != version {
                    throw VendorError("'\(request.text)' needs \(name) \(version) on \(target), but '\(other.request.text)' (\(other.request.origin)) needs \(name) \(other.version); "
                        + "a target has one version of each package", at: request.origin)
                }
                if chosen[name] == nil { order.append(name) }
                chosen[name] = chosen[name] ?? (version, request)
            }
            // Sorted as the lock's text sorts them, so the lock read back equals this one.
            result.needs[request.text] = installs.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        let arguments = ["install", "--download-only", "-y", "--no-install-recommends"] + order.map { "\($0)=\(chosen[$0]?.version ?? "")" }
        let seeded = try await result.seedFromCache(arguments)
        let download = try await apt.run(arguments)
        guard download.status == 0 else {
            throw VendorError("apt-get could not download the packages for \(target):\n" + AptOutput.problems(download.output + "\n" + download.errors))
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: apt.archives).sorted() where file.hasSuffix(".deb") {
            let path = "\(apt.archives)/\(file)"
            guard let digest = VendorCache.digest(ofFileAt: path) else { throw VendorError("cannot read \(path)") }
            let fields = try await DebFields.read(path)
            guard let wanted = chosen[fields.name], wanted.version == fields.version else { continue }
            guard fields.architecture == target.architecture || fields.architecture == "all" else {
                throw VendorError("\(file) is a package for \(fields.architecture), not \(target.architecture) or all", at: wanted.request.origin)
            }
            try cache.store(fileAt: path, sha256: digest.sha256)
            result.packages[fields.name] = VendorLock.Package(name: fields.name, version: fields.version, architecture: fields.architecture,
                                                              size: digest.size, sha256: digest.sha256)
            if seeded.contains(file) {
                result.cachedFiles += 1
            } else {
                result.downloadedFiles += 1
                result.downloadedBytes += digest.size
            }
        }
        for name in order where result.packages[name] == nil {
            throw VendorError("apt downloaded no file of \(name) \(chosen[name]?.version ?? "") for \(target)", at: chosen[name]?.request.origin)
        }
        return result
    }

    /// Copies into apt's archive folder each file the download would fetch that the cache holds
    /// (known by the previous lock's name, version and architecture, its SHA-256 checked); apt
    /// then checks it against the signed index and fetches only the rest. The names copied.
    func seedFromCache(_ arguments: [String]) async throws -> Set<String> {
        let listing = try await apt.run(arguments + ["--print-uris"])
        guard listing.status == 0 else {
            throw VendorError("apt-get cannot plan the download for \(apt.target):\n" + AptOutput.problems(listing.output + "\n" + listing.errors))
        }
        var seeded: Set<String> = []
        for file in AptOutput.printedFiles(listing.output) {
            guard let known = previous.packages[apt.target]?[file.name], known.version == file.version, known.architecture == file.architecture,
                  cache.problem(with: known) == nil else { continue }
            try FileManager.default.copyItem(atPath: cache.path(of: known), toPath: "\(apt.archives)/\(file.file)")
            seeded.insert(file.file)
        }
        return seeded
    }
}
