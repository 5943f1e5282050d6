import Foundation
import PalletContract
import PalletSpec

/// Runs the bundles of a plan on its nodes: groups in `after:` order, nodes in parallel (at most
/// `jobs` at once), one ssh connection per node, and one node's failure never stops the others.
public struct Executor: Sendable {
    let plan: LoadedPlan
    let inventory: Inventory
    let settings: SSHSettings
    let runDirectory: String
    let runID: String
    let secrets: SecretResolver
    let progress: @Sendable (Target, String, StatusLine) -> Void

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - plan: The compiled plan.
    ///   - inventory: The nodes.
    ///   - settings: How to run ssh.
    ///   - runDirectory: Where this run's logs go (`.pallet/runs/<run-id>`).
    ///   - runID: The run's id.
    ///   - secrets: Resolves secrets on the control host.
    ///   - progress: Sees every protocol line of every node as it arrives.
    public init(plan: LoadedPlan, inventory: Inventory, settings: SSHSettings, runDirectory: String, runID: String,
                secrets: SecretResolver, progress: @escaping @Sendable (Target, String, StatusLine) -> Void) {
        self.plan = plan
        self.inventory = inventory
        self.settings = settings
        self.runDirectory = runDirectory
        self.runID = runID
        self.secrets = secrets
        self.progress = progress
    }

    /// Runs and reports.
    ///
    /// The process must ignore SIGPIPE (pallet's `main` does): a node whose ssh exits early closes
    /// the pipe its bundle is written into, and that must be an error of that node (EPIPE), never a
    /// signal that ends the whole run.
    public func run(_ options: ExecutionOptions) async -> RunReport {
        var report = RunReport(runID: runID, mode: options.check ? "check" : (options.phases == .apply ? "apply" : "lift"), results: [], errors: [])
        let targets = inventory.targets.filter { target in
            (options.groups.isEmpty || options.groups.contains(target.group)) && (options.nodes.isEmpty || options.nodes.contains(target.name))
        }
        if targets.isEmpty {
            report.errors.append("no node to run on" + (inventory.unaddressed.isEmpty ? "" : " (" + inventory.unaddressed
                .sorted { $0.key < $1.key }.map { "group \($0.key): \($0.value)" }.joined(separator: "; ") + ")"))
            return report
        }
        let phases: [String]
        switch options.phases {
        case .apply: phases = ["bootstrap", "configure"]
        case .lift(let phase): phases = [phase]
        }
        // Secrets are resolved before any node is touched.
        var secretValues: [String: [UInt8]] = [:]
        do {
            let needed = plan.document.groups.flatMap { $0.bundles.filter { phases.contains($0.phase) }.flatMap(\.secrets) }
            secretValues = try secrets.resolve(needed)
        } catch {
            report.errors.append("\(error)")
            return report
        }
        for target in targets {
            try? FileManager.default.createDirectory(atPath: "\(runDirectory)/\(target.name)", withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        // First contact and bootstrap check: hosts not yet in known_hosts one at a time, so
        // that accepting new keys never races; the others in parallel.
        let known = KnownHosts(path: settings.knownHostsFile)
        // Pinned host keys go into their own known_hosts file before any connection is made.
        do {
            try KnownHosts.writePinned(targets, to: settings.pinnedKnownHostsFile)
        } catch {
            report.errors.append("\(error)")
            return report
        }
        let asksBootstrap = options.phases == .apply
        let wantsBootstrap = { @Sendable (target: Target) -> Bool in
            asksBootstrap && bundle(for: target.group, phase: "bootstrap") != nil
        }
        var findings: [String: Probe.Finding] = [:]
        for target in targets where target.hostKey == nil && !known.knows(address: target.address, port: target.port) {
            findings[target.name] = await Probe(settings: settings, target: target, logPath: log(target, "connect"), limits: options.outputLimits)
                .run(askBootstrap: wantsBootstrap(target), acceptNewHostKey: true)
        }
        let remaining = targets.filter { findings[$0.name] == nil }
        // A known host with nothing to bootstrap needs no probe: its first phase opens the connection.
        let probed = await remaining.concurrentMap(jobs: options.jobs) { target -> Probe.Finding in
            guard wantsBootstrap(target) else { return .ready }
            return await Probe(settings: settings, target: target, logPath: log(target, "connect"), limits: options.outputLimits)
                .run(askBootstrap: true, acceptNewHostKey: false)
        }
        for (target, finding) in zip(remaining, probed) { findings[target.name] = finding }
        // A node that was not probed runs exactly one phase (no bootstrap to do): one plain ssh
        // connection is enough, with no master connection to start and close.
        let oneSession = Set(remaining.filter { !wantsBootstrap($0) }.map(\.name))

        var stopped = Set<String>()
        for target in targets {
            if case .failed(let outcome, let message)? = findings[target.name] {
                report.results.append(.notRun(target, phase: phases[0] == "bootstrap" ? "connect" : phases[0], outcome: outcome,
                                              message: message, log: log(target, "connect")))
                stopped.insert(target.name)
            }
        }
        for phase in phases {
            for level in levels(of: targets.map(\.group)) {
                let batch = targets.filter { level.contains($0.group) && !stopped.contains($0.name) }
                var jobsToRun: [(Target, Credentials, PlanDocument.Bundle)] = []
                for target in batch {
                    guard let bundle = bundle(for: target.group, phase: phase) else { continue }
                    if phase == "bootstrap" {
                        switch findings[target.name] {
                        case .needsBootstrap?: jobsToRun.append((target, target.admin, bundle))
                        case .adminCannotLogIn(let reason)?:
                            guard target.login != target.admin else {
                                report.results.append(.notRun(target, phase: phase, outcome: .unreachable,
                                                              message: "cannot log in as \(target.admin.user): \(reason)", log: log(target, "connect")))
                                stopped.insert(target.name)
                                continue
                            }
                            jobsToRun.append((target, target.login, bundle))
                        default: continue
                        }
                    } else {
                        jobsToRun.append((target, target.admin, bundle))
                    }
                }
                // Each bundle is read, checked against plan.json and unpacked once, not once per node.
                var unpacked: [String: Result<[TarEntry], any Error>] = [:]
                for job in jobsToRun where unpacked[job.2.archive] == nil {
                    unpacked[job.2.archive] = Result { try plan.entries(job.2) }
                }
                let values = secretValues
                let files = unpacked
                let results = await jobsToRun.concurrentMap(jobs: options.jobs) { job in
                    await runPhase(job.0, credentials: job.1, bundle: job.2, files: files[job.2.archive], phase: phase,
                                   check: options.check, secrets: values, multiplex: !oneSession.contains(job.0.name),
                                   limits: options.outputLimits)
                }
                for result in results {
                    report.results.append(result)
                    if result.outcome == .failed || result.outcome == .unreachable { stopped.insert(result.node) }
                }
            }
        }
        _ = await targets.filter { !oneSession.contains($0.name) }.concurrentMap(jobs: options.jobs) { target in
            await Probe.closeMasters(settings: settings, target: target)
        }
        return report
    }

    /// Runs one bundle on one node; `files` are the bundle's files, or why they could not be read.
    func runPhase(_ target: Target, credentials: Credentials, bundle: PlanDocument.Bundle, files: Result<[TarEntry], any Error>?,
                  phase: String, check: Bool, secrets: [String: [UInt8]], multiplex: Bool,
                  limits: OutputLimits) async -> PhaseResult {
        let logPath = log(target, phase)
        do {
            let entries = try files?.get() ?? plan.entries(bundle)
            let needed = Dictionary(uniqueKeysWithValues: bundle.secrets.compactMap { secret in secrets[secret.id].map { (secret.id, $0) } })
            let payload = try Payload.make(files: entries, target: target, check: check, secrets: needed)
            let progress = self.progress
            return await NodeRun(settings: settings, target: target, credentials: credentials, phase: phase, logPath: logPath,
                                 acceptNewHostKey: false, multiplex: multiplex, limits: limits).run(payload: payload) { line in progress(target, phase, line) }
        } catch {
            return .notRun(target, phase: phase, outcome: .failed, message: NodeText.escape("\(error)"), log: logPath)
        }
    }

    func log(_ target: Target, _ phase: String) -> String {
        "\(runDirectory)/\(target.name)/\(phase).log"
    }

    func bundle(for group: String, phase: String) -> PlanDocument.Bundle? {
        plan.document.groups.first { $0.name == group }?.bundles.first { $0.phase == phase }
    }

    /// The groups in `after:` order: each level runs after every group it names is done.
    func levels(of present: [String]) -> [[String]] {
        let groups = plan.document.groups.filter { present.contains($0.name) }
        var done = Set<String>()
        var levels: [[String]] = []
        var remaining = groups
        while !remaining.isEmpty {
            let ready = remaining.filter { group in group.after.allSatisfy { done.contains($0) || !present.contains($0) } }
            let level = ready.isEmpty ? remaining : ready  // cycles are rejected at plan time
            levels.append(level.map(\.name))
            done.formUnion(level.map(\.name))
            remaining.removeAll { group in level.contains { $0.name == group.name } }
        }
        return levels
    }
}
