
/// One node to run bundles on, with how to reach it.
public struct Target: Sendable, Hashable {
    /// The node's name.
    public var name: String
    /// Its group.
    public var group: String
    /// Its 1-based index in the group.
    public var index: Int
    /// The address ssh connects to.
    public var address: String
    /// The ssh port.
    public var port: Int
    /// The admin user and key, for every phase but bootstrap.
    public var admin: Credentials
    /// The login user and key for bootstrap (the admin user when the node has no other).
    public var login: Credentials
    /// The host key pinned in the inventory (`TYPE BASE64`): ssh accepts this key only.
    public var hostKey: String? = nil
    /// The bastion ssh reaches the node through, if any.
    public var via: Jump? = nil

    /// For messages: " through bastion NAME (ADDRESS:PORT), which refused the connection or
    /// whose host key does not match" for a node behind a bastion (ssh discards the jump
    /// connection's own messages when the connection is multiplexed), else nothing.
    public var throughBastion: String {
        via.map { " through bastion \($0.name) (\($0.address):\($0.port)): the bastion refused the connection, cannot reach the node, "
            + "or its host key does not match" } ?? ""
    }
}

/// A user and the private key ssh logs in with.
public struct Credentials: Sendable, Hashable {
    /// The user name.
    public var user: String
    /// The private key's path, or nil to let ssh pick its defaults.
    public var key: String?
}
