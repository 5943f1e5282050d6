import PalletContract

/// What an executor run should do.
public struct ExecutionOptions: Sendable {
    /// Which phases run.
    public enum Phases: Sendable, Equatable {
        /// `pallet apply`: bootstrap on nodes that never completed it, then configure.
        case apply
        /// `pallet lift --phase P`: one phase on the existing nodes.
        case lift(PhaseName)

        /// The names of the phases, in the order they run.
        public var names: [PhaseName] {
            switch self {
            case .apply: [.bootstrap, .configure]
            case .lift(let phase): [phase]
            }
        }
    }

    /// The phases.
    public var phases: Phases
    /// Check mode: report what would change, change nothing.
    public var check: Bool
    /// Only these groups (all when empty).
    public var groups: [String]
    /// Only these nodes (all when empty).
    public var nodes: [String]
    /// How many nodes run at once.
    public var jobs: Int
    /// How much of what nodes send is kept in logs and in the report.
    public var outputLimits: OutputLimits
    /// The project's vendor cache folder (`<project>/.pallet/vendor`), where the `.deb` files of
    /// bundles with vendored packages are read from; nil when the caller has none (a node that
    /// needs such a file then fails before anything runs on it).
    public var vendorCache: String?
    /// Only the nodes of this slice (`--slice K/N`); nil runs every selected node.
    public var slice: NodeSlice? = nil

    /// The run's mode as the report names it: check, apply or lift.
    public var mode: RunReport.Mode {
        check ? .check : (phases == .apply ? .apply : .lift)
    }

    /// Creates options.
    public init(phases: Phases = .apply, check: Bool = false, groups: [String] = [], nodes: [String] = [], jobs: Int = 16,
                outputLimits: OutputLimits = .standard(), vendorCache: String? = nil) {
        self.phases = phases
        self.check = check
        self.groups = groups
        self.nodes = nodes
        self.jobs = max(1, jobs)
        self.outputLimits = outputLimits
        self.vendorCache = vendorCache
    }
}
