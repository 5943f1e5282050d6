import Foundation
import PalletSpec

/// `pallet destroy`: tears down the VMs of this project, through the group scripts'
/// `destroy INDEX` / `destroy-all` and, without a filter, the orphans script's `destroy-all`.
/// Each script destroys only VMs that carry this project's identity.
public struct MachineTeardown: Sendable {
    /// One group to tear down: all its VMs, or only some indexes.
    public struct Part: Sendable {
        /// The group's script.
        public var provisioner: Provisioner
        /// The indexes to destroy, or nil for every VM of the group.
        public var indexes: [Int]?
    }

    /// What `--group` and `--node` select.
    public struct Selection: Sendable {
        /// The VirtualBox groups (or nodes of them) to tear down.
        public var parts: [Part] = []
        /// The orphans script, when nothing is filtered.
        public var orphans: OrphanScript?
        /// Selected groups that have nothing to destroy (hosts groups), with why.
        public var notices: [String] = []
    }

    let plan: LoadedPlan
    let runDirectory: String
    let home: String

    /// Creates a teardown of `plan`'s VMs, logging under `runDirectory/provision/`.
    public init(plan: LoadedPlan, runDirectory: String, home: String = UserHome.path) {
        self.plan = plan
        self.runDirectory = runDirectory
        self.home = home
    }

    /// What `groups` and `nodes` select, or why they select nothing pallet can destroy.
    public func select(groups: [String], nodes: [String]) throws(ProvisionScript.Failure) -> Selection {
        var selection = Selection()
        let all = plan.document.groups
        for name in groups where !all.contains(where: { $0.name == name }) {
            throw ProvisionScript.Failure(description: "out/plan.json has no group \(NodeText.escape(name)) (VMs of a group no longer in the specs "
                + "are orphans: 'pallet destroy' without --group or --node, or 'pallet apply', destroys them)")
        }
        let chosen = all.filter { groups.isEmpty || groups.contains($0.name) }
        var indexes: [String: [Int]] = [:]
        for node in nodes {
            guard let group = chosen.first(where: { ReportedNode.isNodeName(node, group: $0.name) }),
                  let index = Int(node.dropFirst(group.name.count + 1)) else {
                throw ProvisionScript.Failure(description: "no selected group has a node named \(NodeText.escape(node)) (nodes are named GROUP-INDEX)")
            }
            indexes[group.name, default: []].append(index)
        }
        for group in chosen where nodes.isEmpty || indexes[group.name] != nil {
            guard let provisioner = Provisioner(group: group, plan: plan, runDirectory: runDirectory, home: home) else {
                selection.notices.append("group \(group.name) is a \(group.provider) group: nothing to destroy")
                continue
            }
            selection.parts.append(Part(provisioner: provisioner, indexes: indexes[group.name]))
        }
        if groups.isEmpty && nodes.isEmpty { selection.orphans = OrphanScript(plan: plan, runDirectory: runDirectory) }
        return selection
    }

    /// What `selection` would destroy, one line per VM (read-only: `nodes` and the orphans' `list`),
    /// and what could not be listed.
    public func inventory(_ selection: Selection) async -> (vms: [String], errors: [String]) {
        var vms: [String] = []
        var errors: [String] = []
        for part in selection.parts {
            let existing = await part.provisioner.existing()
            if let error = existing.error {
                errors.append("group \(part.provisioner.group.name): \(error)")
                continue
            }
            for node in existing.nodes where part.indexes?.contains(node.index) ?? true {
                vms.append("\(node.name) (\(Self.describe(node.state)))")
            }
        }
        if let orphans = selection.orphans {
            switch await orphans.list() {
            case .success(let found): vms += found.map { String($0.summary.dropFirst("destroy ".count)) }
            case .failure(let failure): errors.append("orphans: \(failure.description)")
            }
        }
        return (vms, errors)
    }

    /// Destroys what `selection` names; returns what failed, one line each.
    public func run(_ selection: Selection) async -> [String] {
        var errors: [String] = []
        for part in selection.parts {
            let name = part.provisioner.group.name
            if let indexes = part.indexes {
                for index in indexes {
                    if let error = await part.provisioner.destroy(index: index) { errors.append("node \(name)-\(index): \(error)") }
                }
            } else if let error = await part.provisioner.destroy(index: nil) {
                errors.append("group \(name): \(error)")
            }
        }
        if let orphans = selection.orphans, let error = await orphans.destroyAll() { errors.append("orphans: \(error)") }
        return errors
    }

    /// A node's state in a few words.
    static func describe(_ state: ReportedNode.State) -> String {
        switch state {
        case .running: return "running"
        case .stopped(let state): return NodeText.escape(state)
        case .halfBuilt: return "half-built"
        case .rejected: return "running"
        }
    }
}
