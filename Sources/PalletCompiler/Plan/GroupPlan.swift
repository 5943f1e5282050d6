import PalletContract
import PalletSpec

/// Everything the plan says about one group.
public struct GroupPlan: Sendable {
    /// The group's name.
    public var name: String
    /// The service its nodes come from.
    public var service: String
    /// The service's provider.
    public var provider: ProviderKind
    /// The target number of nodes.
    public var count: Int
    /// Groups that run each phase before this one.
    public var after: [String]
    /// The server-specs in resolution order (parents first, each once).
    public var chain: [String]
    /// The nodes known at plan time.
    public var nodes: [PlannedNode]
    /// The VirtualBox shape, for virtualbox groups.
    public var machine: MachinePlan?
    /// One bundle per phase, `bootstrap` and `configure` first.
    public var bundles: [BundlePlan]
    /// The variables after merging the chain (the group wins), by name.
    public var variables: [Variable] = []
    /// For a group with `vendor:`: the release and architecture its packages come from
    /// `specs/vendor.lock` for; nil when its nodes' package manager fetches them.
    public var vendor: VendorTarget?
}
