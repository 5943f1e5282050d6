/// A node-spec: the image, hardware and network a group's VMs are built with.
public struct NodeSpec: Sendable {
    /// How the image is chosen.
    public enum ImageSelector: Sendable {
        /// An image of the service by name.
        case named(Located<String>)
        /// The image of the service that matches the OS family and version.
        case match(osFamily: Located<String>?, osVersion: Located<String>?, SourceLocation)
    }

    /// How the hardware is chosen.
    public enum HardwareSelector: Sendable {
        /// A hardware model of the service by name.
        case named(Located<String>)
        /// An explicit machine shape.
        case explicit(HardwareModel)
    }

    /// The node-spec's name.
    public var name: Located<String>
    /// The image, if one is set.
    public var image: ImageSelector?
    /// The hardware, if set.
    public var hardware: HardwareSelector?
    /// The network layout, overriding the service's default.
    public var network: NetworkLayout?

    /// Creates a node-spec.
    public init(name: Located<String>, image: ImageSelector?, hardware: HardwareSelector?, network: NetworkLayout?) {
        self.name = name
        self.image = image
        self.hardware = hardware
        self.network = network
    }
}
