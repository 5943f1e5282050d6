/// The settings of a `virtualbox` service.
public struct VirtualBoxService: Sendable {
    /// Where VMs are created (VBoxManage `--basefolder`).
    public var nodePath: Located<String>?
    /// The image models, in declaration order.
    public var images: [ImageModel]
    /// Hardware models: the built-ins, overridden and extended by the service and its files.
    public var hardware: [HardwareModel]
    /// The glob patterns of hardware files, relative to the spec file.
    public var hardwareFiles: [Located<String>]
    /// The default network layout of the service's nodes.
    public var network: NetworkLayout?
    /// The host-only interface of the `local` layout.
    public var localInterface: Located<String>?
    /// The host interface of the `bridged` layout.
    public var bridgedInterface: Located<String>?

    /// Creates the settings.
    public init(nodePath: Located<String>?, images: [ImageModel], hardware: [HardwareModel], hardwareFiles: [Located<String>],
                network: NetworkLayout?, localInterface: Located<String>?, bridgedInterface: Located<String>?) {
        self.nodePath = nodePath
        self.images = images
        self.hardware = hardware
        self.hardwareFiles = hardwareFiles
        self.network = network
        self.localInterface = localInterface
        self.bridgedInterface = bridgedInterface
    }

    /// The hardware model named `name`, if any.
    public func hardwareModel(named name: String) -> HardwareModel? {
        hardware.first { $0.name == name }
    }
}
