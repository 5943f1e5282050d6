/// One VirtualBox network adapter of a node.
public struct NetworkAdapter: Sendable {
    /// What the adapter attaches to.
    public enum Attachment: String, Sendable, CaseIterable {
        /// A host-only network, reachable from the control host.
        case hostOnly = "host-only"
        /// A bridge to a host interface.
        case bridged
        /// VirtualBox's NAT, with optional port forwards.
        case nat
        /// An internal network between VMs.
        case `internal`
    }

    /// What the adapter attaches to.
    public var attachment: Located<Attachment>
    /// The host interface (host-only, bridged) or network name (internal).
    public var interface: Located<String>?
    /// A fixed MAC address, twelve hex digits.
    public var mac: Located<String>?
    /// NAT port forwards.
    public var forwards: [PortForward]

    /// Creates an adapter.
    public init(attachment: Located<Attachment>, interface: Located<String>?, mac: Located<String>?, forwards: [PortForward]) {
        self.attachment = attachment
        self.interface = interface
        self.mac = mac
        self.forwards = forwards
    }
}
