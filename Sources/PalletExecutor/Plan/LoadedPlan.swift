import Foundation
import PalletContract

/// A compiled plan read from `out/`: `plan.json` and the folder its bundles live in.
public struct LoadedPlan: Sendable {
    /// The plan document.
    public var document: PlanDocument
    /// The `out/` folder.
    public var outDirectory: String

    /// Errors while reading a plan.
    public struct ReadError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The SHA-256 of every file of `out/` as a verified signature lists them (see
    /// ``PlanSignature/verify(directory:allowedSigners:)``), or nil when no signature is required.
    /// plan.json and every bundle tar are checked against them as they are read.
    public let signedDigests: [String: String]?

    /// Reads `outDirectory/plan.json`; with `signedDigests`, refuses a plan.json they do not list.
    public init(outDirectory: String, signedDigests: [String: String]? = nil) throws {
        let path = outDirectory + "/plan.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "\(path) does not exist: run 'pallet plan' first")
        }
        self.signedDigests = signedDigests
        try Self.checkSigned([UInt8](data), path: "plan.json", against: signedDigests, in: outDirectory)
        do {
            document = try JSONDecoder().decode(PlanDocument.self, from: data)
        } catch {
            throw ReadError(description: "\(path) is not a plan pallet can read: \(error)")
        }
        guard document.format == 1 else {
            throw ReadError(description: "\(path) has format \(document.format); this pallet reads format 1")
        }
        self.outDirectory = outDirectory
        try checkPaths(path)
    }

    /// Every path plan.json names is one `pallet plan` writes, inside `out/`: group and phase names
    /// are single path components, and a provisioning script is `provision/<service>/<group>.sh`.
    func checkPaths(_ path: String) throws {
        func isComponent(_ name: String) -> Bool {
            !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
        }
        for group in document.groups {
            let names = [group.name, group.service] + group.bundles.map(\.phase.rawValue)
            if let bad = names.first(where: { !isComponent($0) }) {
                throw ReadError(description: "\(path) names \(bad.debugDescription) in group \(group.name.debugDescription), "
                    + "which is not a name pallet plan writes; run 'pallet plan'")
            }
            if let script = group.provision, script != "provision/\(group.service)/\(group.name).sh" {
                throw ReadError(description: "\(path) names \(script.debugDescription) as the provisioning script of group \(group.name); "
                    + "pallet plan writes provision/\(group.service)/\(group.name).sh")
            }
        }
    }

    /// The files of each bundle ``checkBundles()`` read and checked, by archive path: what runs
    /// is what was checked, and no bundle is read, hashed and unpacked twice.
    var checkedEntries: [String: [TarEntry]] = [:]

    /// The bytes of a bundle archive, checked against the SHA-256 that plan.json records and
    /// against the reviewed files of `out/` (see ``ReviewedBundle``): what runs is what was reviewed.
    public func archive(_ bundle: PlanDocument.Bundle) throws -> [UInt8] {
        try read(bundle).bytes
    }

    /// The files of a bundle archive, checked as ``archive(_:)`` checks it; those
    /// ``checkBundles()`` already checked are not read again.
    public func entries(_ bundle: PlanDocument.Bundle) throws -> [TarEntry] {
        if let entries = checkedEntries[bundle.archive] { return entries }
        return try read(bundle).entries
    }

    /// Reads a bundle archive from `out/` and checks it (see ``archive(_:)``).
    func read(_ bundle: PlanDocument.Bundle) throws -> (bytes: [UInt8], entries: [TarEntry]) {
        let path = outDirectory + "/" + bundle.archive
        guard let group = document.groups.first(where: { group in
            group.bundles.contains { $0.archive == bundle.archive && $0.phase == bundle.phase }
        }) else {
            throw ReadError(description: "\(path) is not a bundle of plan.json")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "\(path) is missing")
        }
        let bytes = [UInt8](data)
        guard SHA256.hexDigest(bytes) == bundle.sha256 else {
            throw ReadError(description: "\(path) does not match the checksum in plan.json (edited by hand?); run 'pallet plan'")
        }
        try Self.checkSigned(bytes, path: bundle.archive, against: signedDigests, in: outDirectory)
        let entries: [TarEntry]
        do {
            entries = try TarArchive.read(bytes)
        } catch {
            throw ReadError(description: "\(path) is not a bundle pallet can read: \(error)")
        }
        try ReviewedBundle.check(entries, bundle: bundle, group: group.name, outDirectory: outDirectory)
        return (bytes, entries)
    }

    /// Refuses `bytes`, read from `path` (relative to `out/`), unless `signed` is nil or lists exactly their SHA-256.
    static func checkSigned(_ bytes: [UInt8], path: String, against signed: [String: String]?, in outDirectory: String) throws {
        guard let signed else { return }
        guard signed[path] == SHA256.hexDigest(bytes) else {
            throw ReadError(description: "\(outDirectory)/\(path) changed after its signature was checked; nothing more runs")
        }
    }

    /// Checks every bundle of the plan as ``archive(_:)`` does, before anything runs, and keeps
    /// their files for ``entries(_:)``.
    public mutating func checkBundles() throws {
        for group in document.groups {
            for bundle in group.bundles { checkedEntries[bundle.archive] = try read(bundle).entries }
        }
    }
}
