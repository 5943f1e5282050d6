import ArgumentParser
import Foundation
import PalletCompiler
import PalletExecutor
import PalletSpec

/// Where the commands that act on machines read out/ from, and how: the signature first when
/// one is required, then plan.json, then (unless allowed) the refusal of an out/ that specs/ no
/// longer compile to. Problems are printed; nil means the command must stop with status 1.
struct PlanLoader: ParsableArguments {
    @Option(name: .long, help: "The project folder (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "The compiled plan folder (default: <project>/out).")
    var out: String?

    @Flag(name: .long, help: "Run even when out/ is not what specs/ compile to (the tars must still match out/).")
    var allowStale = false

    /// An allowed_signers file: when set, out/ must carry a valid signature by one of its keys.
    @Option(name: .long, help: ArgumentHelp(
        "Refuse unless out/ is signed (pallet plan --sign) by a key in this allowed_signers file, and unchanged since.",
        valueName: "allowed-signers"))
    var requireSignature: String?

    /// The out/ folder.
    var outDirectory: String { out ?? (project == "." ? "out" : project + "/out") }

    /// The plan; with `checkBundles`, every bundle is read and checked too.
    func load(checkBundles: Bool) -> LoadedPlan? {
        guard applyUserSettings() else { return nil }
        do {
            // The signature first: nothing of an out/ it does not cover is even parsed.
            var signed: PlanSignature.Verified?
            if let allowedSigners = requireSignature {
                signed = try PlanSignature.verify(directory: outDirectory, allowedSigners: allowedSigners)
                printError("pallet: \(outDirectory)/ is signed by \(NodeText.escape(signed?.principal ?? ""))")
            }
            var plan = try LoadedPlan(outDirectory: outDirectory, signedDigests: signed?.digests)
            if checkBundles { try plan.checkBundles() }
            if let problem = StalePlanCheck.problem(projectRoot: project, outDirectory: outDirectory, compile: { diagnostics in
                try Compiler(projectRoot: project).compile(diagnostics: diagnostics)
            }), !allowStale {
                printError("pallet: error: refusing a stale plan: \(problem) (or pass --allow-stale)")
                return nil
            }
            return plan
        } catch {
            printError("pallet: error: refusing to run: \(error)")
            return nil
        }
    }

    /// Reads the user configuration (``UserConfig``; problems printed, then false) and exports
    /// its settings for the provisioning scripts: `vboxmanage` as `VBOXMANAGE` unless set.
    func applyUserSettings() -> Bool {
        let diagnostics = Diagnostics()
        let settings = UserConfig(directory: UserConfig.defaultDirectory).read(diagnostics: diagnostics)
        guard !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
            return false
        }
        if let vboxmanage = settings.vboxmanageVariable(environment: ProcessInfo.processInfo.environment, home: UserHome.path) {
            setenv("VBOXMANAGE", vboxmanage, 1)
        }
        return true
    }

    /// The run's session (its log folder and known_hosts), or nil after printing why not.
    func session() -> Session? {
        do {
            return try Session(projectRoot: project)
        } catch {
            printError("pallet: error: \(error)")
            return nil
        }
    }
}
