/// A group-spec: a set of nodes of one service, built from a node-spec and server-specs.
public struct GroupSpec: Sendable {
    /// The group's name; nodes are named `<group>-<index>`.
    public var name: Located<String>
    /// The service the nodes come from.
    public var service: Located<String>?
    /// The node-spec of the group's VMs.
    public var node: Located<String>?
    /// How many nodes the group should have.
    public var count: Located<Int>?
    /// Groups that must finish a phase before this group starts it.
    public var after: [Located<String>]
    /// `vendor:`: the release and architecture its packages are resolved for, installed from
    /// `specs/vendor.lock`'s files instead of a repository; nil when the group uses the nodes' apt.
    public var vendor: Located<VendorTarget>?
    /// Its parents, phases, handlers and variables.
    public var body: SpecBody

    /// Creates a group-spec.
    public init(name: Located<String>, service: Located<String>?, node: Located<String>?, count: Located<Int>?,
                after: [Located<String>], vendor: Located<VendorTarget>? = nil, body: SpecBody) {
        self.name = name
        self.service = service
        self.node = node
        self.count = count
        self.after = after
        self.vendor = vendor
        self.body = body
    }
}
