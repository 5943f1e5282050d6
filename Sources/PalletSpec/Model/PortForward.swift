/// A NAT port forward from the control host to a node.
public struct PortForward: Sendable {
    /// The rule's name.
    public var name: Located<String>
    /// `tcp` or `udp`.
    public var proto: String
    /// The port on the control host.
    public var hostPort: Located<Int>
    /// The port on the node.
    public var guestPort: Located<Int>

    /// Creates a port forward.
    public init(name: Located<String>, proto: String, hostPort: Located<Int>, guestPort: Located<Int>) {
        self.name = name
        self.proto = proto
        self.hostPort = hostPort
        self.guestPort = guestPort
    }
}
