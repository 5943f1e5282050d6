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
}
