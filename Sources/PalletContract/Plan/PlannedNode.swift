/// A node the executor will reach: a listed host, or a VM index of a virtualbox group.
public struct PlannedNode: Sendable, Codable {
    /// The node's name.
    public var name: String
    /// The node's 1-based index in its group.
    public var index: Int
    /// The address, known in advance for listed hosts.
    public var address: String?
    /// The ssh port.
    public var port: Int
    /// The OS family, when declared.
    public var osFamily: String?
    /// The bootstrap login user, when it differs from the admin user.
    public var loginUser: String?
    /// The bootstrap login key path on the control host.
    public var loginKey: String?
    /// The host's pinned ssh host key (`TYPE BASE64`), when the inventory gives one.
    public var hostKey: String? = nil
    /// The bastion ssh reaches the node through (omitted from plan.json when there is none).
    public var via: PlannedBastion? = nil

    /// Creates a node from its name, index, address, ssh port, OS family, bootstrap login, pinned host key and bastion.
    public init(name: String, index: Int, address: String?, port: Int, osFamily: String?, loginUser: String?, loginKey: String?,
                hostKey: String? = nil, via: PlannedBastion? = nil) {
        self.name = name
        self.index = index
        self.address = address
        self.port = port
        self.osFamily = osFamily
        self.loginUser = loginUser
        self.loginKey = loginKey
        self.hostKey = hostKey
        self.via = via
    }
}
