import Foundation
import PalletCompiler
import PalletContract
import PalletExecutor

/// What apply, converge and lift share: read out/, refuse a stale plan, bring the machines to
/// what out/ says (or preview, or look them up), run the phases, print, pick the exit code.
struct RunCommandSupport {
    let loader: PlanLoader
    let json: Bool
    let detailedExitCode: Bool
    let style: OutputStyle

    func execute(_ options: ExecutionOptions, machines mode: MachineStage.Mode) async -> Int32 {
        guard let plan = loader.load(checkBundles: true), let session = loader.session() else { return 1 }
        defer { session.finish() }
        var inventory: Inventory
        do {
            inventory = try Inventory(plan: plan.document, home: UserHome.path)
        } catch {
            printError("pallet: error: refusing to run: \(error)")
            return 1
        }
        let stage = MachineStage(plan: plan, runDirectory: session.runDirectory, knownHostsFile: session.knownHostsFile, home: UserHome.path)
        let machines = await stage.run(mode, groups: options.groups, nodes: options.nodes) { printError("pallet: \($0)") }
        for line in MachinePrinter.lines(machines, mode: mode) { printError(line) }
        for group in plan.document.groups { if let targets = machines.targets[group.name] { inventory.add(targets, group: group.name) } }
        let live = LiveProgress(style: style, nodes: inventory.targets.count)
        let executor = Executor(
            plan: plan, inventory: inventory,
            settings: SSHSettings(controlDirectory: session.controlDirectory, knownHostsFile: session.knownHostsFile),
            runDirectory: session.runDirectory, runID: session.runID, secrets: SecretResolver(home: UserHome.path),
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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(report) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        }
        if report.failed { return 1 }
        if detailedExitCode && report.changed { return 2 }
        return 0
    }
}

/// Prints progress on standard error while nodes run, readable with a hundred nodes: by default
/// only steps that change or fail are printed, and on a terminal one progress line is redrawn in
/// place; `--verbose` prints every step, `--quiet` nothing until the recap.
final class LiveProgress: @unchecked Sendable {
    private let style: OutputStyle
    private let lock = NSLock()
    private let total: Int
    private var finished = 0
    private var changed = 0
    private var failed = 0
    private var counterShown = false

    init(style: OutputStyle, nodes: Int) {
        self.style = style
        total = nodes
    }

    func show(target: Target, phase: String, line: StatusLine) {
        lock.withLock {
            switch line {
            case .step(let index, let total, let status, let text, let handler):
                let interesting = status != "ok" && status != "skipped"
                // Off a terminal (logs, CI) steps are in the node logs; --verbose prints them anyway.
                guard style.verbosity == .verbose || (style.verbosity == .normal && style.terminal && interesting) else { return }
                let scope = handler.map { "handler \($0) " } ?? ""
                emit("\(target.name) \(phase) \(scope)\(index)/\(total) \(style.status(status)) \(text)")
            case .end(let status, let ok, let changedSteps, let skipped, let failedSteps):
                finished += 1
                if changedSteps > 0 { changed += 1 }
                if status != "ok" { failed += 1 }
                // Off a terminal (logs, CI) every node and phase ends with one line; on a terminal
                // only the ones that did something, plus the redrawn counter.
                if style.verbosity != .quiet && (!style.terminal || style.verbosity == .verbose || status != "ok" || changedSteps > 0) {
                    emit("\(target.name) \(phase) \(style.status(status == "ok" ? (changedSteps > 0 ? "changed" : "ok") : "failed", status)): "
                        + "ok=\(ok) changed=\(changedSteps) skipped=\(skipped) failed=\(failedSteps)")
                }
                if style.terminal && style.verbosity != .quiet {
                    FileHandle.standardError.write(Data("\r\u{1B}[K\(phase): \(finished)/\(total) node phases done, \(changed) changed, \(failed) failed".utf8))
                    counterShown = true
                }
            default:
                break
            }
        }
    }

    /// Clears the progress line before the recap.
    func finish() {
        lock.withLock {
            if counterShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            counterShown = false
        }
    }

    /// A line above the progress line.
    private func emit(_ text: String) {
        if counterShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            counterShown = false
        }
        printError(text)
    }
}
