import Foundation
import PalletSpec
import PalletContract

/// The machine part of a run, before any phase: the VirtualBox groups are brought to their counts
/// and the orphans destroyed (`pallet apply`), previewed (`pallet apply --check`), or only looked
/// up (`pallet lift`).
public struct MachineStage: Sendable {
    /// What the stage does to the machines.
    public enum Mode: Sendable, Equatable {
        /// `pallet apply`: each selected group's `plan` then `converge COUNT`; without a filter, the
        /// orphans script's `list` then `destroy-all`.
        case converge
        /// `pallet apply --check`: `plan COUNT`, the orphans' `list` and `nodes`, all read-only.
        case preview
        /// `pallet lift`: `nodes` only; nothing is created, started or destroyed.
        case discover
    }

    /// What the stage found and did.
    public struct Outcome: Sendable {
        /// The running nodes of each group the stage looked at, by group name.
        public var targets: [String: [Target]] = [:]
        /// The machine changes made (or, in a preview, that apply would make), in order.
        public var changes: [MachineChange] = []
        /// Nodes left out of the run and why (stopped, half-built, still to be created).
        public var notices: [String] = []
        /// What failed, one line each, escaped for a terminal.
        public var errors: [String] = []
        /// The nodes this run created.
        public var created: [String] = []
    }

    let plan: LoadedPlan
    let runDirectory: String
    let knownHostsFile: String?
    let home: String

    /// Creates the stage for `plan`, logging under `runDirectory/provision/`. The host keys of
    /// VMs created in this run are forgotten from `knownHostsFile` (a new VM may take the address
    /// of one destroyed earlier).
    public init(plan: LoadedPlan, runDirectory: String, knownHostsFile: String?, home: String = UserHome.path) {
        self.plan = plan
        self.runDirectory = runDirectory
        self.knownHostsFile = knownHostsFile
        self.home = home
    }

    /// The VirtualBox groups that `--group` and `--node` select (all when both are empty): a
    /// group is selected by its name, or by a node named `<group>-<index>`.
    public func selectedGroups(groups: [String], nodes: [String]) -> [PlanDocument.Group] {
        plan.document.groups.filter { group in
            group.provision != nil && (groups.isEmpty || groups.contains(group.name))
                && (nodes.isEmpty || nodes.contains { ReportedNode.isNodeName($0, group: group.name) })
        }
    }

    /// Runs the stage on the selected groups; orphans only when nothing is filtered.
    public func run(_ mode: Mode, groups: [String], nodes: [String], say: @Sendable (String) -> Void) async -> Outcome {
        var outcome = Outcome()
        for group in selectedGroups(groups: groups, nodes: nodes) {
            guard let provisioner = Provisioner(group: group, plan: plan, runDirectory: runDirectory, home: home) else { continue }
            if mode != .discover {
                switch await provisioner.plan() {
                case .success(let changes):
                    outcome.changes += changes
                    if mode == .converge {
                        for change in changes where change.changesMachine { say(change.summary) }
                    }
                case .failure(let failure):
                    // A group whose plan fails (a foreign VM holds one of its names) is not touched.
                    outcome.errors.append("group \(group.name): \(failure.description)")
                    continue
                }
            }
            let reported = mode == .converge ? await provisioner.converge() : await provisioner.existing()
            if let error = reported.error {
                outcome.errors.append("group \(group.name): \(error)")
                continue
            }
            record(reported.nodes, of: provisioner, mode: mode, in: &outcome)
        }
        if mode != .discover && groups.isEmpty && nodes.isEmpty, let orphans = OrphanScript(plan: plan, runDirectory: runDirectory) {
            await handle(orphans, mode: mode, in: &outcome, say: say)
        }
        if mode == .preview {
            let pending = outcome.changes.filter { $0.action == .create || $0.action == .rebuild || $0.action == .start }
            if !pending.isEmpty {
                outcome.notices.append("no phase diff for \(pending.map(\.node).joined(separator: ", ")): not running yet")
            }
        }
        forgetCreatedHostKeys(outcome)
        return outcome
    }

    /// Files the nodes a script reported: running ones become targets, the others notices.
    func record(_ nodes: [ReportedNode], of provisioner: Provisioner, mode: Mode, in outcome: inout Outcome) {
        var targets: [Target] = []
        for node in nodes {
            switch node.state {
            case .running(_, _, let new):
                if let target = provisioner.target(node) { targets.append(target) }
                if new { outcome.created.append(node.name) }
            case .stopped(let state):
                if mode == .discover { outcome.notices.append("\(node.name) is not running (\(NodeText.escape(state))): skipped") }
            case .halfBuilt:
                if mode == .discover { outcome.notices.append("\(node.name) is half-built (pallet apply rebuilds it): skipped") }
            case .rejected(let reason):
                outcome.errors.append("group \(provisioner.group.name): \(reason)")
            }
        }
        outcome.targets[provisioner.group.name] = targets
    }

    /// Lists the orphans and, when converging, destroys them.
    func handle(_ orphans: OrphanScript, mode: Mode, in outcome: inout Outcome, say: @Sendable (String) -> Void) async {
        switch await orphans.list() {
        case .success(let found):
            outcome.changes += found
            guard mode == .converge, !found.isEmpty else { return }
            for orphan in found { say(orphan.summary) }
            if let error = await orphans.destroyAll() { outcome.errors.append("orphans: \(error)") }
        case .failure(let failure):
            outcome.errors.append("orphans: \(failure.description)")
        }
    }

    /// New VMs have new host keys, possibly at the address of a VM destroyed earlier.
    func forgetCreatedHostKeys(_ outcome: Outcome) {
        guard let knownHostsFile, !outcome.created.isEmpty else { return }
        let knownHosts = KnownHosts(path: knownHostsFile)
        for target in outcome.targets.values.joined() where outcome.created.contains(target.name) {
            knownHosts.forget(address: target.address, port: target.port)
        }
    }
}
