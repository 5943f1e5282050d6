import PalletSpec

/// The resolved VirtualBox shape of a group's VMs.
public struct MachinePlan: Sendable {
    /// The node-spec's name.
    public var nodeSpec: String
    /// The chosen image.
    public var image: ImageModel
    /// The chosen hardware model.
    public var hardware: HardwareModel
    /// The network layout (the node-spec's, else the service's, else `local`).
    public var network: NetworkLayout
    /// The service's settings (node path, interfaces).
    public var settings: VirtualBoxService
}
