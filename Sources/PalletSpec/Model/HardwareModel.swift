/// A VirtualBox machine shape: memory, processors and video memory.
public struct HardwareModel: Sendable, Equatable {
    /// The model's name, such as `small`.
    public var name: String
    /// Memory in megabytes.
    public var memory: Int
    /// Virtual processors.
    public var cpus: Int
    /// Video memory in megabytes.
    public var vram: Int
    /// Where the model was defined, or nil for a built-in model.
    public var location: SourceLocation?

    /// Creates a hardware model.
    public init(name: String, memory: Int, cpus: Int, vram: Int = 16, location: SourceLocation?) {
        self.name = name
        self.memory = memory
        self.cpus = cpus
        self.vram = vram
        self.location = location
    }

    /// Pallet's built-in models: micro 512 MB/1 CPU, small 1024/1, medium 2048/2, large 4096/4.
    public static let builtIn: [HardwareModel] = [
        HardwareModel(name: "micro", memory: 512, cpus: 1, location: nil),
        HardwareModel(name: "small", memory: 1024, cpus: 1, location: nil),
        HardwareModel(name: "medium", memory: 2048, cpus: 2, location: nil),
        HardwareModel(name: "large", memory: 4096, cpus: 4, location: nil),
    ]
}
