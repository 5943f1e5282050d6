import PalletContract

/// Computes the ``PlanDiff`` between two plans.
public enum PlanComparison {
    /// What changes on the machines when `head` replaces `base`.
    public static func diff(base: PlanSnapshot, head: PlanSnapshot) -> PlanDiff {
        let baseGroups = Dictionary(base.document.groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let headNames = Set(head.document.groups.map(\.name))
        var groups: [PlanDiff.GroupDiff] = []
        var rebuiltOnly: [String] = []
        for group in head.document.groups {
            if let before = baseGroups[group.name] {
                if let change = compare(before, group, base: base, head: head, rebuiltOnly: &rebuiltOnly) { groups.append(change) }
            } else {
                groups.append(whole(group, in: head, presence: .added))
            }
        }
        for group in base.document.groups where !headNames.contains(group.name) {
            groups.append(whole(group, in: base, presence: .removed))
        }
        let baseSecrets = Set(secretUses(base.document))
        let baseFiles = Set(operatorFiles(base.document).map(\.path))
        var seenFiles = Set<String>()
        return PlanDiff(
            baseLabel: base.label, headLabel: head.label, groups: groups,
            newSecrets: secretUses(head.document).filter { !baseSecrets.contains($0) },
            newOperatorFiles: operatorFiles(head.document).filter { !baseFiles.contains($0.path) && seenFiles.insert($0.path).inserted },
            runtimeChanged: base.runtimeDigest != nil && head.runtimeDigest != nil && base.runtimeDigest != head.runtimeDigest,
            rebuiltOnly: rebuiltOnly
        )
    }

    /// The changes of a group in both plans, or nil when it has none.
    static func compare(_ before: PlanDocument.Group, _ after: PlanDocument.Group, base: PlanSnapshot, head: PlanSnapshot,
                        rebuiltOnly: inout [String]) -> PlanDiff.GroupDiff? {
        let beforeNodes = nodeNames(before)
        let afterNodes = nodeNames(after)
        var settings: [String] = []
        func note(_ name: String, _ old: String, _ new: String) { if old != new { settings.append("\(name): \(old) → \(new)") } }
        note("service", before.service, after.service)
        note("provider", before.provider, after.provider)
        note("after", list(before.after), list(after.after))
        note("extends", before.chain.joined(separator: " → "), after.chain.joined(separator: " → "))
        var phases: [PlanDiff.PhaseDiff] = []
        let beforeBundles = Dictionary(before.bundles.map { ($0.phase.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        let afterPhases = Set(after.bundles.map(\.phase.rawValue))
        for bundle in after.bundles {
            guard let old = beforeBundles[bundle.phase.rawValue] else {
                phases.append(wholePhase(bundle, in: head, presence: .added))
                continue
            }
            guard old.sha256 != bundle.sha256 else { continue }
            guard let oldList = base.stepLists[old.archive], let newList = head.stepLists[bundle.archive] else {
                phases.append(PlanDiff.PhaseDiff(phase: bundle.phase.rawValue, presence: .changed, steps: [], baseUnlisted: true))
                continue
            }
            let steps = stepChanges(oldList, newList)
            if steps.isEmpty {
                rebuiltOnly.append("\(after.name) / \(bundle.phase.rawValue)")
            } else {
                phases.append(PlanDiff.PhaseDiff(phase: bundle.phase.rawValue, presence: .changed, steps: steps, baseUnlisted: false))
            }
        }
        for bundle in before.bundles where !afterPhases.contains(bundle.phase.rawValue) {
            phases.append(wholePhase(bundle, in: base, presence: .removed))
        }
        let added = afterNodes.filter { !beforeNodes.contains($0) }
        let removed = beforeNodes.filter { !afterNodes.contains($0) }
        guard !phases.isEmpty || !settings.isEmpty || !added.isEmpty || !removed.isEmpty || before.count != after.count else { return nil }
        return PlanDiff.GroupDiff(name: after.name, presence: .changed, provider: after.provider, count: (before.count, after.count),
                                  nodesAdded: added, nodesRemoved: removed, settings: settings, phases: phases)
    }

    /// A group only one plan has: every node and step of it added or removed.
    static func whole(_ group: PlanDocument.Group, in snapshot: PlanSnapshot, presence: PlanDiff.GroupDiff.Presence) -> PlanDiff.GroupDiff {
        let nodes = nodeNames(group)
        return PlanDiff.GroupDiff(
            name: group.name, presence: presence, provider: group.provider,
            count: presence == .added ? (0, group.count) : (group.count, 0),
            nodesAdded: presence == .added ? nodes : [], nodesRemoved: presence == .removed ? nodes : [],
            settings: [], phases: group.bundles.map { wholePhase($0, in: snapshot, presence: presence) })
    }

    /// A bundle only one plan has: each of its steps added or removed.
    static func wholePhase(_ bundle: PlanDocument.Bundle, in snapshot: PlanSnapshot, presence: PlanDiff.GroupDiff.Presence) -> PlanDiff.PhaseDiff {
        guard let list = snapshot.stepLists[bundle.archive] else {
            return PlanDiff.PhaseDiff(phase: bundle.phase.rawValue, presence: presence, steps: [], baseUnlisted: true)
        }
        let empty = StepListDocument(group: list.group, phase: list.phase, steps: [], handlers: [])
        let steps = presence == .added ? stepChanges(empty, list) : stepChanges(list, empty)
        return PlanDiff.PhaseDiff(phase: bundle.phase.rawValue, presence: presence, steps: steps, baseUnlisted: false)
    }

    /// The step changes of a bundle, its handlers' steps after its own.
    static func stepChanges(_ base: StepListDocument, _ head: StepListDocument) -> [PlanDiff.StepChange] {
        var changes = StepMatching.changes(base: base.steps, head: head.steps)
        let baseHandlers = Dictionary(base.handlers.map { ($0.name, $0.steps) }, uniquingKeysWith: { first, _ in first })
        let headNames = Set(head.handlers.map(\.name))
        for handler in head.handlers {
            changes += StepMatching.changes(base: baseHandlers[handler.name] ?? [], head: handler.steps, handler: handler.name)
        }
        for handler in base.handlers where !headNames.contains(handler.name) {
            changes += StepMatching.changes(base: handler.steps, head: [], handler: handler.name)
        }
        return changes
    }

    /// The group's nodes as the summary names them: `web-1`, or `app-1 (10.0.0.5)` for a host.
    static func nodeNames(_ group: PlanDocument.Group) -> [String] {
        group.nodes.map { node in node.address.map { "\(node.name) (\($0))" } ?? node.name }
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "(none)" : names.joined(separator: ", ")
    }

    /// Every secret each bundle of `document` reads.
    static func secretUses(_ document: PlanDocument) -> [PlanDiff.SecretUse] {
        document.groups.flatMap { group in
            group.bundles.flatMap { bundle in
                bundle.secrets.map { secret in
                    PlanDiff.SecretUse(bundle: "\(group.name) / \(bundle.phase.rawValue)",
                                       source: secret.env.map { "environment variable \($0)" } ?? secret.file.map { "file \($0)" } ?? secret.id)
                }
            }
        }
    }

    /// Every file of the control host `document` reads: secret files, the admin user's keys and
    /// the nodes' login keys.
    static func operatorFiles(_ document: PlanDocument) -> [PlanDiff.OperatorFile] {
        var files: [PlanDiff.OperatorFile] = []
        for group in document.groups {
            for bundle in group.bundles {
                for secret in bundle.secrets {
                    if let file = secret.file {
                        files.append(PlanDiff.OperatorFile(path: file, use: "secret sent to \(group.name) / \(bundle.phase.rawValue)"))
                    }
                }
            }
        }
        if let admin = document.adminUser {
            if let key = admin.publicKey { files.append(PlanDiff.OperatorFile(path: key, use: "admin user's public key, installed on every node")) }
            if let key = admin.privateKey { files.append(PlanDiff.OperatorFile(path: key, use: "admin user's private key (stays on the control host)")) }
        }
        for group in document.groups {
            for node in group.nodes {
                if let key = node.loginKey { files.append(PlanDiff.OperatorFile(path: key, use: "login key for \(node.name)")) }
            }
        }
        return files
    }
}
