import PalletContract

/// What a change does to the machines: the difference between two plans, group by group.
public struct PlanDiff: Sendable {
    /// How the base is named, such as `` `main` (3f2c1a9) ``.
    public var baseLabel: String
    /// How the new plan is named.
    public var headLabel: String
    /// The groups, in the new plan's order, then the removed ones; only those with a change.
    public var groups: [GroupDiff]
    /// Secrets that a bundle reads now and did not read before.
    public var newSecrets: [SecretUse]
    /// Files of the control host that the plan reads now and did not before.
    public var newOperatorFiles: [OperatorFile]
    /// Whether `lib.sh`, the node runtime every bundle ships, changed.
    public var runtimeChanged: Bool
    /// The bundles whose archive changed while every step kept its fingerprint (comments,
    /// origins or the runtime only), as `group / phase`.
    public var rebuiltOnly: [String]

    /// Whether the change does nothing to any machine and references nothing new.
    public var isEmpty: Bool {
        groups.isEmpty && newSecrets.isEmpty && newOperatorFiles.isEmpty && !runtimeChanged
    }

    /// The number of steps added, removed and changed over all groups (handler steps included).
    public var stepTotals: (added: Int, removed: Int, changed: Int) {
        var totals = (added: 0, removed: 0, changed: 0)
        for change in groups.flatMap(\.phases).flatMap(\.steps) {
            switch change.kind {
            case .added: totals.added += 1
            case .removed: totals.removed += 1
            case .changed: totals.changed += 1
            }
        }
        return totals
    }

    /// One group's changes.
    public struct GroupDiff: Sendable {
        /// Whether the group is new, gone, or in both plans.
        public enum Presence: Sendable, Equatable { case added, removed, changed }

        /// The group's name.
        public var name: String
        /// Whether it is new, gone or changed.
        public var presence: Presence
        /// `virtualbox` or `hosts`.
        public var provider: String
        /// The node count before and after (equal when unchanged; 0 for a side without the group).
        public var count: (before: Int, after: Int)
        /// Nodes only in the new plan: VMs to create, or hosts added (with their address).
        public var nodesAdded: [String]
        /// Nodes only in the base: VMs to destroy, or hosts removed.
        public var nodesRemoved: [String]
        /// Other changes of the group in words, such as `after: db → db, cache`.
        public var settings: [String]
        /// The phases with a change.
        public var phases: [PhaseDiff]
    }

    /// One phase's changes in one group.
    public struct PhaseDiff: Sendable {
        /// The phase's name.
        public var phase: String
        /// Whether the bundle is new, gone or changed.
        public var presence: GroupDiff.Presence
        /// The steps added, removed and changed, in the new plan's order (removed ones where they were).
        public var steps: [StepChange]
        /// Whether the base has no step list for this bundle (written by an older pallet), so its
        /// steps cannot be compared one by one.
        public var baseUnlisted: Bool
    }

    /// One step added, removed or changed.
    public struct StepChange: Sendable {
        /// What happened to the step.
        public enum Kind: String, Sendable { case added, removed, changed }

        /// What happened.
        public var kind: Kind
        /// The step as the new plan has it (the base's for a removed step).
        public var step: StepListDocument.Step
        /// For a changed step whose origin moved: its origin in the base.
        public var previousOrigin: String?
        /// The handler the step belongs to, if it is a handler step.
        public var handler: String?
    }

    /// A secret a bundle reads.
    public struct SecretUse: Sendable, Hashable {
        /// `group / phase`.
        public var bundle: String
        /// Where the value comes from, such as `environment variable DB_PASSWORD`.
        public var source: String
    }

    /// A file of the control host the plan reads.
    public struct OperatorFile: Sendable, Equatable {
        /// The path as the specs give it.
        public var path: String
        /// What it is for, such as `secret for db / configure` or `login key of web-1`.
        public var use: String
    }
}
