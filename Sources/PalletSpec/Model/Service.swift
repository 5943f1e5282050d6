/// A compute service: where a group's nodes come from.
public struct Service: Sendable {
    /// What kind of service it is, with its settings.
    public enum Provider: Sendable {
        /// VirtualBox VMs created by generated VBoxManage scripts.
        case virtualbox(VirtualBoxService)
        /// Existing machines listed by address.
        case hosts([HostEntry])

        /// The provider's kind.
        public var kind: ProviderKind {
            switch self {
            case .virtualbox: return .virtualbox
            case .hosts: return .hosts
            }
        }
    }

    /// The service's name.
    public var name: Located<String>
    /// The provider and its settings.
    public var provider: Provider

    /// Creates a service.
    public init(name: Located<String>, provider: Provider) {
        self.name = name
        self.provider = provider
    }
}
