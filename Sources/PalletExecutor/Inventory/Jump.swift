import PalletContract
import PalletSpec

/// The bastion ssh goes through to reach a ``Target`` (`via:` in the specs), with its own user,
/// key and host key check.
public struct Jump: Sendable, Hashable {
    /// The bastion's name in its service, for messages.
    public var name: String
    /// The address the jump connection goes to.
    public var address: String
    /// The bastion's ssh port.
    public var port: Int
    /// The user and key on the bastion (the admin user's by default).
    public var credentials: Credentials
    /// The bastion's pinned host key (`TYPE BASE64`): ssh accepts this key only.
    public var hostKey: String?

    /// Creates a jump host.
    public init(name: String, address: String, port: Int, credentials: Credentials, hostKey: String?) {
        self.name = name
        self.address = address
        self.port = port
        self.credentials = credentials
        self.hostKey = hostKey
    }

    /// The jump host of `bastion`, defaulting its user and key to `admin`'s.
    init(_ bastion: PlannedBastion, admin: Credentials, home: String) {
        self.init(name: bastion.name, address: bastion.address, port: bastion.port,
                  credentials: Credentials(user: bastion.user ?? admin.user,
                                           key: bastion.privateKey.map { UserHome.expand($0, home: home) } ?? admin.key),
                  hostKey: bastion.hostKey)
    }
}
