import Foundation
import PalletCompiler
import PalletSpec

/// Detects an `out/` compiled from other specs than the ones in the project now.
public enum StalePlanCheck {
    /// A message when the specs beside `out/` differ from those the plan was compiled from;
    /// nil when they match, or when there are no specs (an air-gapped copy of `out/`).
    public static func problem(projectRoot: String, plan: PlanDocument) -> String? {
        let specs = projectRoot + "/specs"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: specs, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        var inputs: [InputFile] = []
        for path in plan.inputs.files {
            let full = path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst(1) : projectRoot + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else {
                return "\(path) was an input of out/plan.json but is gone: run 'pallet plan'"
            }
            inputs.append(InputFile(path: path, bytes: [UInt8](data)))
        }
        let listed = Set(plan.inputs.files)
        for file in SpecLoader.yamlFiles(under: specs) where !listed.contains("specs/" + file) {
            return "specs/\(file) is newer than out/plan.json: run 'pallet plan'"
        }
        if InputsDigest.digest(of: inputs) != plan.inputs.digest {
            return "specs/ changed since out/ was compiled (inputs digest differs): run 'pallet plan'"
        }
        return nil
    }
}
