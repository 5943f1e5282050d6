/// The jump host ssh goes through to reach a node (`via:` in the specs).
public struct PlannedBastion: Sendable, Codable, Hashable {
    /// The bastion's name in its service.
    public var name: String
    /// The address ssh connects to first.
    public var address: String
    /// The bastion's ssh port.
    public var port: Int
    /// The user on the bastion, when it differs from the admin user.
    public var user: String?
    /// The private key's path on the control host, when it differs from the admin user's key.
    public var privateKey: String?
    /// The bastion's pinned ssh host key (`TYPE BASE64`), when the specs give one.
    public var hostKey: String?

    /// Creates a bastion from its name, address, port, user, key path and pinned host key.
    public init(name: String, address: String, port: Int, user: String?, privateKey: String?, hostKey: String?) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.privateKey = privateKey
        self.hostKey = hostKey
    }
}
