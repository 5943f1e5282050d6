/// Every definition read from the specs, merged across files.
public struct SpecSet: Sendable {
    /// The project's name (`project:`): the identity every VirtualBox VM of this project carries.
    public var project: Located<String>?
    /// The admin user, if defined.
    public var adminUser: AdminUser?
    /// The services in definition order.
    public var services: [Service] = []
    /// The node-specs in definition order.
    public var nodes: [NodeSpec] = []
    /// The server-specs in definition order.
    public var servers: [ServerSpec] = []
    /// The group-specs in definition order.
    public var groups: [GroupSpec] = []
    /// The crates of the project (they shadow built-in crates of the same name).
    public var crates: [Crate] = []
    /// The crates that ship with pallet.
    public var builtInCrates: [Crate] = []
    /// Every input file read, by project-relative path, for the inputs digest.
    public var inputs: [InputFile] = []
    /// `specs/vendor.lock`, when the project has one.
    public var vendorLock: VendorLock?

    /// Creates an empty set.
    public init() {}

    /// The service named `name`.
    public func service(named name: String) -> Service? { services.first { $0.name.value == name } }
    /// The node-spec named `name`.
    public func node(named name: String) -> NodeSpec? { nodes.first { $0.name.value == name } }
    /// The server-spec named `name`.
    public func server(named name: String) -> ServerSpec? { servers.first { $0.name.value == name } }
    /// The crate named `name`: the project's, else the built-in one.
    public func crate(named name: String) -> Crate? {
        crates.first { $0.name.value == name } ?? builtInCrates.first { $0.name.value == name }
    }
    /// The group-spec named `name`.
    public func group(named name: String) -> GroupSpec? { groups.first { $0.name.value == name } }
}
