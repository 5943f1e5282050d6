import Foundation
import PalletCompiler
import PalletContract
import PalletExecutor
import PalletSpec

/// What apply, converge and lift share: read out/, refuse a stale plan, bring the machines to
/// what out/ says (or preview, or look them up), run the phases, print, pick the exit code.
struct RunCommandSupport {
    let loader: PlanLoader
    let json: Bool
    let detailedExitCode: Bool
    let style: OutputStyle

    func execute(_ options: ExecutionOptions, machines mode: MachineStage.Mode) async -> Int32 {
        var options = options
        // The project's vendor cache, beside its .pallet/runs: where vendored .deb files are read from.
        options.vendorCache = options.vendorCache ?? loader.project + "/" + VendorLock.cacheFolder
        guard let plan = loader.load(checkBundles: true), let session = loader.session() else { return 1 }
        defer { session.finish() }
        var inventory: Inventory
        do {
            inventory = try Inventory(plan: plan.document)
        } catch {
            printError("pallet: error: refusing to run: \(error)")
            return 1
        }
        let stage = MachineStage(plan: plan, runDirectory: session.runDirectory, knownHostsFile: session.knownHostsFile)
        // Only slice 1/N changes machines (or previews the changes): N runners never race on VirtualBox.
        let machineMode = options.slice.map { $0.changesMachines } == false ? .discover : mode
        let machines = await stage.run(machineMode, groups: options.groups, nodes: options.nodes) { printError("pallet: \($0)") }
        for line in MachinePrinter.lines(machines, mode: machineMode) { printError(line) }
        for group in plan.document.groups { if let targets = machines.targets[group.name] { inventory.add(targets, group: group.name) } }
        let live = LiveProgress(style: style, nodes: inventory.targets.count)
        let executor = Executor(
            plan: plan, inventory: inventory,
            settings: SSHSettings(controlDirectory: session.controlDirectory, knownHostsFile: session.knownHostsFile),
            runDirectory: session.runDirectory, runID: session.runID, secrets: SecretResolver(),
            progress: { target, phase, line in live.show(target: target, phase: phase, line: line) }
        )
        var report = await executor.run(options)
        live.finish()
        // Provisioning to nothing (count 0, or only VMs still to create) leaves no node: not an error.
        let nothingToRun = mode != .discover && inventory.targets.isEmpty
        report.errors = machines.errors + (nothingToRun ? [] : report.errors)
        report.machines = machines.changes
        for line in RecapPrinter.lines(report, quiet: style.verbosity == .quiet) { printError(line) }
        if json {
            if let bytes = try? PlanJSON.encode(report) {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
        if report.failed { return 1 }
        if detailedExitCode && report.changed { return 2 }
        return 0
    }
}
