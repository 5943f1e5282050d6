import Foundation
import PalletCompiler
import PalletExecutor

/// What apply and lift share: read out/, refuse a stale plan, run, print, pick the exit code.
struct RunCommandSupport {
    let project: String
    let out: String?
    let allowStale: Bool
    /// An allowed_signers file: when set, out/ must carry a valid signature by one of its keys.
    let requireSignature: String?
    let json: Bool
    let detailedExitCode: Bool
    let style: OutputStyle

    func execute(_ options: ExecutionOptions, provision: Bool = false) async -> Int32 {
        let outDirectory = out ?? (project == "." ? "out" : project + "/out")
        var plan: LoadedPlan
        var inventory: Inventory
        do {
            // The signature first: nothing of an out/ it does not cover is even parsed.
            var signed: PlanSignature.Verified?
            if let allowedSigners = requireSignature {
                signed = try PlanSignature.verify(directory: outDirectory, allowedSigners: allowedSigners)
                printError("pallet: \(outDirectory)/ is signed by \(NodeText.escape(signed?.principal ?? ""))")
            }
            plan = try LoadedPlan(outDirectory: outDirectory, signedDigests: signed?.digests)
            try plan.checkBundles()
            if let problem = StalePlanCheck.problem(projectRoot: project, outDirectory: outDirectory), !allowStale {
                printError("pallet: error: refusing a stale plan: \(problem) (or pass --allow-stale)")
                return 1
            }
            inventory = try Inventory(plan: plan.document)
        } catch {
            printError("pallet: error: refusing to run: \(error)")
            return 1
        }
        let session: Session
        do {
            session = try Session(projectRoot: project)
        } catch {
            printError("pallet: error: \(error)")
            return 1
        }
        defer { session.finish() }
        var provisionErrors: [String] = []
        if provision {
            let provisioner = Provisioner(plan: plan, runDirectory: session.runDirectory)
            for group in plan.document.groups where group.provision != nil && (options.groups.isEmpty || options.groups.contains(group.name)) {
                printError("pallet: converging group \(group.name) to \(group.count) node(s)")
                let outcome = await provisioner.converge(group)
                if let error = outcome.error {
                    provisionErrors.append("group \(group.name): \(error)")
                    continue
                }
                provisionErrors += outcome.rejected.map { "group \(group.name): \($0)" }
                if !outcome.created.isEmpty { printError("pallet: created \(outcome.created.joined(separator: ", "))") }
                // New VMs have new host keys, possibly at the address of a VM destroyed earlier.
                let knownHosts = KnownHosts(path: session.knownHostsFile)
                for target in outcome.targets where outcome.created.contains(target.name) {
                    knownHosts.forget(address: target.address, port: target.port)
                }
                inventory.add(outcome.targets, group: group.name)
            }
        }
        let live = LiveProgress(style: style, nodes: inventory.targets.count)
        let executor = Executor(
            plan: plan, inventory: inventory,
            settings: SSHSettings(controlDirectory: session.controlDirectory, knownHostsFile: session.knownHostsFile),
            runDirectory: session.runDirectory, runID: session.runID, secrets: SecretResolver(),
            progress: { target, phase, line in live.show(target: target, phase: phase, line: line) }
        )
        var report = await executor.run(options)
        live.finish()
        report.errors = provisionErrors + (provision && inventory.targets.isEmpty ? [] : report.errors)
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
