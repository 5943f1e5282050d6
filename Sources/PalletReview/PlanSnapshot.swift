import Foundation
import PalletContract

/// One `out/` tree as `pallet diff` compares it: plan.json, each bundle's step list, and the
/// runtime's digest.
public struct PlanSnapshot: Sendable {
    /// How the tree is named in the summary.
    public var label: String
    /// Its plan.json.
    public var document: PlanDocument
    /// Each bundle's step list (`groups/<group>/<phase>.steps.json`), by the bundle's archive path (such as `groups/web/configure.tar`);
    /// a bundle without one (an `out/` written by a pallet before step lists) is left out.
    public var stepLists: [String: StepListDocument]
    /// The SHA-256 of `lib.sh`, the node runtime every bundle ships.
    public var runtimeDigest: String?

    /// Creates a snapshot from its parts.
    public init(label: String, document: PlanDocument, stepLists: [String: StepListDocument], runtimeDigest: String?) {
        self.label = label
        self.document = document
        self.stepLists = stepLists
        self.runtimeDigest = runtimeDigest
    }

    /// Reads the snapshot from `source`: plan.json first, then every bundle's step list and
    /// lib.sh in one read.
    ///
    /// - Throws: ``ReviewError`` when plan.json is missing or is not a plan.
    public static func load(from source: some OutSource) async throws -> PlanSnapshot {
        guard let planBytes = try await source.read(["plan.json"])["plan.json"] else {
            throw ReviewError("\(source.label) has no out/plan.json")
        }
        let document: PlanDocument
        do {
            document = try JSONDecoder().decode(PlanDocument.self, from: Data(planBytes))
        } catch {
            throw ReviewError("\(source.label): out/plan.json is not a plan pallet can read: \(ShellQuoting.commentText("\(error)"))")
        }
        let listPaths = document.groups.flatMap(\.bundles).map { StepListDocument.path(ofArchive: $0.archive) }
        let files = try await source.read(listPaths + ["lib.sh"])
        var stepLists: [String: StepListDocument] = [:]
        for bundle in document.groups.flatMap(\.bundles) {
            guard let bytes = files[StepListDocument.path(ofArchive: bundle.archive)] else { continue }
            do {
                stepLists[bundle.archive] = try JSONDecoder().decode(StepListDocument.self, from: Data(bytes))
            } catch {
                throw ReviewError("\(source.label): out/\(StepListDocument.path(ofArchive: bundle.archive)) is not a step list pallet can read")
            }
        }
        return PlanSnapshot(label: source.label, document: document, stepLists: stepLists,
                            runtimeDigest: files["lib.sh"].map { SHA256.hexDigest($0) })
    }
}
