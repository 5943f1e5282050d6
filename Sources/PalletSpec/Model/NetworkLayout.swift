/// How a VirtualBox node is networked.
public enum NetworkLayout: Sendable {
    /// A host-only adapter plus NAT.
    case local(SourceLocation)
    /// One bridged adapter.
    case bridged(SourceLocation)
    /// One NAT adapter with ssh forwarded.
    case nat(SourceLocation)
    /// An explicit list of one to eight adapters.
    case adapters([NetworkAdapter], SourceLocation)

    /// The layout's name for plans and messages.
    public var summary: String {
        switch self {
        case .local: return "local"
        case .bridged: return "bridged"
        case .nat: return "nat"
        case .adapters(let list, _): return list.map(\.attachment.value.rawValue).joined(separator: "+")
        }
    }
}
