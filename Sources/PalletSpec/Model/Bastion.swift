/// A jump host of a `hosts` service (`bastions:`): ssh reaches the hosts that name it in `via:`
/// through it, with its own host key check, user and key.
public struct Bastion: Sendable {
    /// The bastion's name in the service.
    public var name: Located<String>
    /// The address ssh connects to first.
    public var address: Located<String>
    /// The bastion's ssh port.
    public var port: Int
    /// The user on the bastion, when it differs from the admin user.
    public var user: Located<String>?
    /// The private key for the bastion, when it differs from the admin user's key.
    public var privateKey: Located<String>?
    /// The bastion's pinned ssh host key (`TYPE BASE64`), when given: ssh accepts that key only.
    public var hostKey: Located<String>?

    /// Creates a bastion.
    public init(name: Located<String>, address: Located<String>, port: Int, user: Located<String>?, privateKey: Located<String>?,
                hostKey: Located<String>?) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.privateKey = privateKey
        self.hostKey = hostKey
    }
}
