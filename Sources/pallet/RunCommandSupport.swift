import Foundation
import PalletCompiler
import PalletExecutor

/// What apply and lift share: read out/, refuse a stale plan, run, print, pick the exit code.
struct RunCommandSupport {
    let project: String
    let out: String?
    let allowStale: Bool
    let json: Bool
    let detailedExitCode: Bool

    func execute(_ options: ExecutionOptions, provision: Bool = false) async -> Int32 {
        let outDirectory = out ?? (project == "." ? "out" : project + "/out")
        let plan: LoadedPlan
        var inventory: Inventory
        do {
            plan = try LoadedPlan(outDirectory: outDirectory)
            if let problem = StalePlanCheck.problem(projectRoot: project, plan: plan.document), !allowStale {
                printError("pallet: error: refusing a stale plan: \(problem) (or pass --allow-stale)")
                return 1
            }
            inventory = try Inventory(plan: plan.document)
        } catch {
            printError("pallet: error: \(error)")
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
                if !outcome.created.isEmpty { printError("pallet: created \(outcome.created.joined(separator: ", "))") }
                // New VMs have new host keys, possibly at the address of a VM destroyed earlier.
                let knownHosts = KnownHosts(path: session.knownHostsFile)
                for target in outcome.targets where outcome.created.contains(target.name) {
                    knownHosts.forget(address: target.address, port: target.port)
                }
                inventory.add(outcome.targets, group: group.name)
            }
        }
        let live = LiveProgress(enabled: isatty(STDERR_FILENO) == 1)
        let executor = Executor(
            plan: plan, inventory: inventory,
            settings: SSHSettings(controlDirectory: session.controlDirectory, knownHostsFile: session.knownHostsFile),
            runDirectory: session.runDirectory, runID: session.runID, secrets: SecretResolver(),
            progress: { target, phase, line in live.show(target: target, phase: phase, line: line) }
        )
        var report = await executor.run(options)
        report.errors = provisionErrors + (provision && inventory.targets.isEmpty ? [] : report.errors)
        for line in RecapPrinter.lines(report) { printError(line) }
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

/// Prints progress on standard error: on a terminal every step line of every node as it
/// arrives (node, phase, step k/n, status); elsewhere one line per node and phase when it ends.
struct LiveProgress: Sendable {
    let enabled: Bool

    func show(target: Target, phase: String, line: StatusLine) {
        switch line {
        case .step(let index, let total, let status, let text, let handler) where enabled:
            let scope = handler.map { "handler \($0) " } ?? ""
            printError("\(target.name) \(phase) \(scope)\(index)/\(total) \(status) \(text)")
        case .end(let status, let ok, let changed, let skipped, let failed):
            printError("\(target.name) \(phase) \(status): ok=\(ok) changed=\(changed) skipped=\(skipped) failed=\(failed)")
        default:
            break
        }
    }
}
