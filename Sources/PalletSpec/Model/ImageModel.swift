/// A VirtualBox base disk that nodes are cloned from, with what is known about its OS.
public struct ImageModel: Sendable {
    /// The image's name in the service.
    public var name: Located<String>
    /// The base disk's path on the control host.
    public var disk: Located<String>
    /// The OS family, such as `ubuntu` or `debian`.
    public var osFamily: Located<String>?
    /// The OS version, such as `12.04`.
    public var osVersion: Located<String>?
    /// VirtualBox's OS type id, such as `Ubuntu_64`.
    public var osType: Located<String>?
    /// The image's login user, used for bootstrap.
    public var login: LoginCredentials?

    /// Creates an image model.
    public init(name: Located<String>, disk: Located<String>, osFamily: Located<String>?, osVersion: Located<String>?,
                osType: Located<String>?, login: LoginCredentials?) {
        self.name = name
        self.disk = disk
        self.osFamily = osFamily
        self.osVersion = osVersion
        self.osType = osType
        self.login = login
    }
}
