import Foundation
import PalletSpec

/// `pallet vendor`: resolves the requests of every vendored group with the control host's apt
/// (private state, the target's sources, apt's signature and hash checks), stores the files in
/// the project's cache and writes `specs/vendor.lock`, exactly what the current specs need.
public struct Vendorer {
    /// What vendoring did for one target.
    public struct TargetReport: Sendable, Equatable {
        /// The release and architecture.
        public var target: VendorTarget
        /// The requests resolved.
        public var requests: Int
        /// The package files the target's requests need.
        public var packages: Int
        /// The files apt downloaded.
        public var downloadedFiles: Int
        /// Their bytes.
        public var downloadedBytes: Int
        /// The files the cache already held (apt checked them and downloaded nothing).
        public var cachedFiles: Int
    }

    /// The project root.
    public let projectRoot: String
    /// Where each target's apt sources come from.
    public let sources: VendorSources

    /// Creates a vendorer of the project at `projectRoot`.
    public init(projectRoot: String, sources: VendorSources) {
        self.projectRoot = projectRoot
        self.sources = sources
    }

    /// Vendors every target; returns the lock written and a report per target, or nil when the
    /// specs have errors (reported to `diagnostics`; nothing is written). A project without
    /// vendored groups gets no lock file (an existing one keeps only its header).
    ///
    /// - Throws: ``VendorError`` when apt cannot resolve or fetch something, or a file cannot be
    ///   written; the lock is then left as it was.
    public func run(diagnostics: Diagnostics) async throws -> (lock: VendorLock, reports: [TargetReport])? {
        let project = VendorProject(projectRoot: projectRoot, diagnostics: diagnostics, ignoringLock: true)
        guard !diagnostics.hasErrors else { return nil }
        let targets = project.requests.keys.sorted()
        // Every target's sources are known before anything touches the network.
        let files = try targets.map { try sources.file(for: $0) }
        let previous = project.specs.vendorLock ?? VendorLock()
        let cache = VendorCache(projectRoot: projectRoot)
        var lock = VendorLock()
        var reports: [TargetReport] = []
        for (target, file) in zip(targets, files) {
            let apt = try AptWorkspace(target: target, sources: file)
            defer { apt.remove() }
            let resolution = try await TargetResolution(apt: apt, requests: project.requests[target] ?? [], previous: previous, cache: cache).run()
            lock.packages[target] = resolution.packages
            lock.needs[target] = resolution.needs
            reports.append(TargetReport(target: target, requests: resolution.needs.count, packages: resolution.packages.count,
                                        downloadedFiles: resolution.downloadedFiles, downloadedBytes: resolution.downloadedBytes,
                                        cachedFiles: resolution.cachedFiles))
        }
        let path = (projectRoot.hasSuffix("/") ? projectRoot : projectRoot + "/") + VendorLock.path
        // A project that vendors nothing and has no lock gets none; an existing one is emptied.
        if !targets.isEmpty || FileManager.default.fileExists(atPath: path) {
            try VendorCache.writeAtomically(Array(lock.text.utf8), to: path)
        }
        return (lock, reports)
    }
}
