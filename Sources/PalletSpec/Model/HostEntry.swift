/// An existing machine in a `hosts` service (Pallet's node-list).
public struct HostEntry: Sendable {
    /// The node's name, unique across the specs.
    public var name: Located<String>
    /// The group the node belongs to.
    public var group: Located<String>
    /// The address ssh connects to.
    public var address: Located<String>
    /// The ssh port.
    public var port: Int
    /// The OS family, such as `debian`.
    public var osFamily: Located<String>?
    /// The OS version.
    public var osVersion: Located<String>?
    /// The login user for bootstrap, when it differs from the admin user.
    public var login: LoginCredentials?
    /// The host's pinned ssh host key (`TYPE BASE64`), when the inventory gives one: ssh then
    /// accepts that key only, and refuses the host otherwise.
    public var hostKey: Located<String>?
    /// The bastion ssh goes through to reach the host (`via:` on the host or its service).
    public var via: Bastion?
    /// Where the entry was written.
    public var location: SourceLocation

    /// Creates a host entry.
    public init(name: Located<String>, group: Located<String>, address: Located<String>, port: Int,
                osFamily: Located<String>?, osVersion: Located<String>?, login: LoginCredentials?, hostKey: Located<String>? = nil,
                via: Bastion? = nil, location: SourceLocation) {
        self.name = name
        self.group = group
        self.address = address
        self.port = port
        self.osFamily = osFamily
        self.osVersion = osVersion
        self.login = login
        self.hostKey = hostKey
        self.via = via
        self.location = location
    }
}
