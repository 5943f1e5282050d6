import Foundation
import PalletContract
import PalletSpec

/// Detects an `out/` that is not exactly what the specs beside it compile to: the full
/// `pallet plan --check`, run by `pallet apply` before anything else when `specs/` is present.
public enum StalePlanCheck {
    /// A message when the specs beside `out/` compile to anything else than `outDirectory` holds,
    /// or do not compile; nil when they match, or when there are no specs (an air-gapped copy of `out/`).
    ///
    /// `compile` compiles the project's specs, reporting into the diagnostics it is given; the
    /// caller passes the compiler, which the executor does not depend on.
    public static func problem(projectRoot: String, outDirectory: String,
                               compile: (Diagnostics) throws -> OutputTree?) -> String? {
        let specs = projectRoot + "/specs"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: specs, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        let diagnostics = Diagnostics()
        let tree: OutputTree?
        do {
            tree = try compile(diagnostics)
        } catch {
            return "specs/ do not compile (\(error)): run 'pallet plan'"
        }
        guard let tree, !diagnostics.hasErrors else {
            let first = diagnostics.sorted.first.map { ": \($0.description)" } ?? ""
            return "specs/ do not compile (\(diagnostics.errorCount) error(s))\(first)"
        }
        let found = differences(tree, against: outDirectory)
        guard !found.isEmpty else { return nil }
        return "\(outDirectory)/ is not what specs/ compile to (" + found.prefix(5).joined(separator: ", ")
            + (found.count > 5 ? " and \(found.count - 5) more" : "") + "): run 'pallet plan'"
    }

    /// The differences between a compiled `tree` and `outDirectory` (see ``OutputComparison``),
    /// where a signature's listing (`SIGNED`), when present, must list exactly the tree, and its
    /// signature file is left to ``PlanSignature/verify(directory:allowedSigners:)``.
    public static func differences(_ tree: OutputTree, against outDirectory: String) -> [String] {
        var found = OutputComparison.differences(tree, against: outDirectory).filter { line in
            !PlanSignature.isSignatureFile(String(line.drop { $0 != " " }.dropFirst()))
        }
        if let listing = FileManager.default.contents(atPath: outDirectory + "/" + PlanSignature.listingFile),
           [UInt8](listing) != PlanSignature.listing(of: tree) {
            found.append("changed \(PlanSignature.listingFile)")
        }
        return found
    }
}
