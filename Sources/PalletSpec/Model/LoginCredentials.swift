/// How to log in to a node before it has the admin user: an image's or a host's login user.
public struct LoginCredentials: Sendable {
    /// The login name.
    public var username: Located<String>
    /// The private key's path on the control host.
    public var privateKey: Located<String>?

    /// Creates login credentials.
    public init(username: Located<String>, privateKey: Located<String>?) {
        self.username = username
        self.privateKey = privateKey
    }
}
