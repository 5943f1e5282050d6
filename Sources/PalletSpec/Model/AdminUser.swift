/// The account ssh logs in as after bootstrap; it must have NOPASSWD sudo on the nodes.
public struct AdminUser: Sendable {
    /// The login name.
    public var username: Located<String>
    /// The private key's path on the control host, used by ssh at apply time and never copied.
    public var privateKey: Located<String>?
    /// The public key's path on the control host.
    public var publicKey: Located<String>?
    /// Where the admin user was defined.
    public var location: SourceLocation

    /// Creates an admin user.
    public init(username: Located<String>, privateKey: Located<String>?, publicKey: Located<String>?, location: SourceLocation) {
        self.username = username
        self.privateKey = privateKey
        self.publicKey = publicKey
        self.location = location
    }
}
