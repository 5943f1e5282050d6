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

    /// Runs and reports, in named stages: select the targets, resolve the secrets, prepare the
    /// log folders and pinned host keys, make first contact, run the phases level by level, and
    /// close the master connections.
    ///
    /// The process must ignore SIGPIPE (pallet's `main` does): a node whose ssh exits early closes
    /// the pipe its bundle is written into, and that must be an error of that node (EPIPE), never a
    /// signal that ends the whole run.
    public func run(_ options: ExecutionOptions) async -> RunReport {
        var report = RunReport(runID: runID, mode: options.mode, results: [], errors: [])
        var targets = inventory.targets(groups: options.groups, nodes: options.nodes)
        guard !targets.isEmpty else {
            report.errors.append(inventory.noTargetMessage)
            return report
        }
        if let slice = options.slice {
            let selected = targets.count
            targets = targets.filter { slice.contains($0.name) }
            report.slice = RunReport.SliceReport(index: slice.index, count: slice.count, nodes: targets.map(\.name),
                                                 leftToOthers: selected - targets.count)
            // A slice that holds none of the selected nodes has nothing to do: not an error.
            if targets.isEmpty { return report }
        }
        let phases = options.phases.names
        let secretValues: [String: [UInt8]]
        do {
            // Secrets are resolved before any node is touched.
            secretValues = try resolveSecrets(for: phases)
            prepareLogFolders(targets)
            // Pinned host keys go into their own known_hosts file before any connection is made.
            try KnownHosts.writePinned(targets, to: settings.pinnedKnownHostsFile)
        } catch {
            report.errors.append("\(error)")
            return report
        }
        // A node whose vendored files are missing or altered in the cache stops here, before any
        // connection is made to it; the other nodes go on.
        let uncached = vendorCacheResults(targets, phases: phases, options: options)
        report.results += uncached
        let ready = targets.filter { target in !uncached.contains { $0.node == target.name } }
        let contact = await firstContact(ready, options: options)
        let unreached = unreachedResults(ready, contact: contact, firstPhase: phases[0])
        report.results += unreached
        report.results += await runPhases(phases, on: ready, contact: contact, stopped: Set(unreached.map(\.node)),
                                          secretValues: secretValues, options: options)
        await closeMasters(ready, contact: contact, jobs: options.jobs)
        return report
    }

    /// A failed result for each target one of whose bundles (of `phases`) needs a vendored file
    /// the cache lacks or holds altered, naming the file; each file is checked once. The result is
    /// reported under the first phase that needs a vendored file.
    func vendorCacheResults(_ targets: [Target], phases: [PhaseName], options: ExecutionOptions) -> [PhaseResult] {
        let needs = { (group: String) -> [(phase: PhaseName, packages: [VendoredPackage])] in
            phases.compactMap { phase in bundle(for: group, phase: phase).flatMap { $0.vendored }.map { (phase, $0) } }.filter { !$0.packages.isEmpty }
        }
        let all = Set(targets.map(\.group)).sorted().flatMap { needs($0).flatMap(\.packages) }
        guard !all.isEmpty else { return [] }
        let problems = options.vendorCache.map { VendorCache(folder: $0).problems(all) } ?? [:]
        return targets.compactMap { target in
            guard let first = needs(target.group).first else { return nil }
            let message: String
            if options.vendorCache == nil {
                message = "this node's bundles install vendored packages, but no vendor cache folder was given"
            } else if let problem = needs(target.group).lazy.flatMap(\.packages).compactMap({ problems[$0.sha256] }).first {
                message = problem
            } else {
                return nil
            }
            return .notRun(target, phase: first.phase.rawValue, outcome: .failed, message: message + "; nothing was run on this node",
                           log: log(target, "connect"))
        }
    }

    /// The values of the secrets the bundles of `phases` need, resolved on the control host.
    func resolveSecrets(for phases: [PhaseName]) throws -> [String: [UInt8]] {
        let needed = plan.document.groups.flatMap { $0.bundles.filter { phases.contains($0.phase) }.flatMap(\.secrets) }
        return try secrets.resolve(needed)
    }

    /// Creates each target's private log folder in the run's folder.
    func prepareLogFolders(_ targets: [Target]) {
        for target in targets {
            try? FileManager.default.createDirectory(atPath: "\(runDirectory)/\(target.name)", withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
    }

    /// First contact and the bootstrap check: hosts not yet in known_hosts one at a time, so that
    /// accepting new keys never races; the others in parallel. A known host with nothing to
    /// bootstrap needs no probe: its first phase opens the connection.
    func firstContact(_ targets: [Target], options: ExecutionOptions) async -> FirstContact {
        let known = KnownHosts(path: settings.knownHostsFile)
        let asksBootstrap = options.phases == .apply
        let wantsBootstrap = { @Sendable (target: Target) -> Bool in
            asksBootstrap && bundle(for: target.group, phase: .bootstrap) != nil
        }
        var contact = FirstContact()
        for target in targets where known.isFirstContact(with: target) {
            contact.findings[target.name] = await Probe(settings: settings, target: target, logPath: log(target, "connect"),
                                                        limits: options.outputLimits)
                .run(askBootstrap: wantsBootstrap(target), acceptNewHostKey: true)
        }
        let remaining = targets.filter { contact.findings[$0.name] == nil }
        let probed = await remaining.concurrentMap(jobs: options.jobs) { target -> Probe.Finding in
            guard wantsBootstrap(target) else { return .ready }
            return await Probe(settings: settings, target: target, logPath: log(target, "connect"), limits: options.outputLimits)
                .run(askBootstrap: true, acceptNewHostKey: false)
        }
        for (target, finding) in zip(remaining, probed) { contact.findings[target.name] = finding }
        // A node that was not probed runs exactly one phase (no bootstrap to do): one plain ssh
        // connection is enough, with no master connection to start and close; unless the phase
        // first asks the node which vendored files it lacks: that query and the phase then share
        // one master connection.
        let queries = { @Sendable (target: Target) -> Bool in
            !options.check && options.phases.names.contains { !(bundle(for: target.group, phase: $0)?.vendored ?? []).isEmpty }
        }
        contact.oneSession = Set(remaining.filter { !wantsBootstrap($0) && !queries($0) }.map(\.name))
        return contact
    }

    /// The results of the nodes first contact could not reach: no phase runs on them. They are
    /// reported under `connect` when the run starts with bootstrap, else under its first phase.
    func unreachedResults(_ targets: [Target], contact: FirstContact, firstPhase: PhaseName) -> [PhaseResult] {
        targets.compactMap { target in
            contact.failure(of: target).map { failure in
                .notRun(target, phase: firstPhase == .bootstrap ? "connect" : firstPhase.rawValue, outcome: failure.outcome,
                        message: failure.message, log: log(target, "connect"))
            }
        }
    }

    /// Runs `phases` in order, each by `after:` level, on the targets not `stopped`; a node that
    /// fails or cannot be reached runs no later level or phase.
    func runPhases(_ phases: [PhaseName], on targets: [Target], contact: FirstContact, stopped: Set<String>,
                   secretValues: [String: [UInt8]], options: ExecutionOptions) async -> [PhaseResult] {
        var results: [PhaseResult] = []
        var stopped = stopped
        for phase in phases {
            for level in GroupLevels.levels(plan.document.groups, present: targets.map(\.group)) {
                var jobs: [NodeJob] = []
                for target in targets where level.contains(target.group) && !stopped.contains(target.name) {
                    guard let bundle = bundle(for: target.group, phase: phase) else { continue }
                    switch NodeJob.choose(bundle, on: target, finding: contact.findings[target.name]) {
                    case .run(let job):
                        jobs.append(job)
                    case .cannotLogIn(let message):
                        results.append(.notRun(target, phase: phase.rawValue, outcome: .unreachable, message: message, log: log(target, "connect")))
                        stopped.insert(target.name)
                    case .nothingToDo:
                        continue
                    }
                }
                for result in await runLevel(jobs, phase: phase, contact: contact, secretValues: secretValues, options: options) {
                    results.append(result)
                    if result.outcome == .failed || result.outcome == .unreachable { stopped.insert(result.node) }
                }
            }
        }
        return results
    }

    /// Runs the jobs of one `after:` level of `phase`, nodes in parallel. Each bundle is read,
    /// checked against plan.json and unpacked once, not once per node.
    func runLevel(_ jobs: [NodeJob], phase: PhaseName, contact: FirstContact, secretValues: [String: [UInt8]],
                  options: ExecutionOptions) async -> [PhaseResult] {
        var unpacked: [String: Result<[TarEntry], any Error>] = [:]
        for job in jobs where unpacked[job.bundle.archive] == nil {
            unpacked[job.bundle.archive] = Result { try plan.entries(job.bundle) }
        }
        let files = unpacked
        return await jobs.concurrentMap(jobs: options.jobs) { job in
            await runPhase(job, files: files[job.bundle.archive], phase: phase, check: options.check, secrets: secretValues,
                           multiplex: !contact.oneSession.contains(job.target.name), limits: options.outputLimits,
                           vendorCache: options.vendorCache)
        }
    }

    /// Closes the master connections that first contact or the phases opened.
    func closeMasters(_ targets: [Target], contact: FirstContact, jobs: Int) async {
        _ = await targets.filter { !contact.oneSession.contains($0.name) }.concurrentMap(jobs: jobs) { target in
            await Probe.closeMasters(settings: settings, target: target)
        }
    }

    /// Runs one bundle on one node; `files` are the bundle's files, or why they could not be read.
    func runPhase(_ job: NodeJob, files: Result<[TarEntry], any Error>?, phase: PhaseName, check: Bool, secrets: [String: [UInt8]],
                  multiplex: Bool, limits: OutputLimits, vendorCache: String? = nil) async -> PhaseResult {
        let target = job.target
        let logPath = log(target, phase.rawValue)
        do {
            let entries = try files?.get() ?? plan.entries(job.bundle)
            let needed = Dictionary(uniqueKeysWithValues: job.bundle.secrets.compactMap { secret in secrets[secret.id].map { (secret.id, $0) } })
            let debs = try await vendoredFiles(job, entries: entries, check: check, multiplex: multiplex, cache: vendorCache)
            let payload = try Payload.make(files: entries, target: target, check: check, secrets: needed, debs: debs ?? [:])
            let progress = self.progress
            var result = await NodeRun(settings: settings, target: target, credentials: job.credentials, phase: phase.rawValue, logPath: logPath,
                                       acceptNewHostKey: false, multiplex: multiplex, limits: limits).run(payload: payload) { line in progress(target, phase.rawValue, line) }
            if let debs { result.vendored = PhaseResult.VendoredTransfer(files: debs.count, bytes: debs.values.reduce(0) { $0 + $1.count }) }
            return result
        } catch {
            return .notRun(target, phase: phase.rawValue, outcome: .failed, message: NodeText.escape("\(error)"), log: logPath)
        }
    }

    /// The vendored files to send with `job`'s bundle, by SHA-256: those the node lacks, as a
    /// query asks it first; nil when the bundle has none or in check mode (nothing is sent then).
    /// The query's log, which records what was sent, is `<phase>.vendor.log`.
    func vendoredFiles(_ job: NodeJob, entries: [TarEntry], check: Bool, multiplex: Bool, cache: String?) async throws -> [String: [UInt8]]? {
        guard !check, let packages = job.bundle.vendored, !packages.isEmpty else { return nil }
        guard case .file(let list)? = entries.first(where: { $0.path == VendoredPackage.listPath })?.kind else {
            throw LoadedPlan.ReadError(description: "\(job.bundle.archive) has no \(VendoredPackage.listPath), but plan.json lists vendored packages for it")
        }
        // Only files the reviewed vendor.list names are ever sent: an edited plan.json cannot send others.
        let listed = Set(String(decoding: list, as: UTF8.self).split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        if let stray = packages.first(where: { !listed.contains($0.sha256) }) {
            throw LoadedPlan.ReadError(description: "plan.json lists vendored package \(stray.name) \(stray.version) for \(job.bundle.archive), "
                + "which its reviewed \(VendoredPackage.listPath) does not name; run 'pallet plan'")
        }
        let logPath = log(job.target, "\(job.bundle.phase).vendor")
        let missing = try await VendorQueryRun(settings: settings, target: job.target, credentials: job.credentials, logPath: logPath,
                                               multiplex: multiplex).missing(list: list)
        guard let folder = cache else {
            throw LoadedPlan.ReadError(description: "no vendor cache folder was given")
        }
        var debs: [String: [UInt8]] = [:]
        for package in packages where missing.contains(package.sha256) && debs[package.sha256] == nil {
            debs[package.sha256] = try VendorCache(folder: folder).bytes(of: package)
        }
        let note = "pallet: sent \(debs.count) vendored file(s) (\(debs.values.reduce(0) { $0 + $1.count }) bytes)\n"
        if let handle = FileHandle(forWritingAtPath: logPath) {
            handle.seekToEndOfFile()
            handle.write(Data(note.utf8))
            try? handle.close()
        }
        return debs
    }

    func log(_ target: Target, _ phase: String) -> String {
        "\(runDirectory)/\(target.name)/\(phase).log"
    }

    func bundle(for group: String, phase: PhaseName) -> PlanDocument.Bundle? {
        plan.document.groups.first { $0.name == group }?.bundles.first { $0.phase == phase }
    }
}
