/// The keys each mapping of the spec language allows: the decoders reject any other key, and
/// the JSON Schema (`pallet schema`) is built from the same lists, so the two cannot disagree.
public enum SpecKeys {
    /// The top-level sections of a spec file.
    public static let sections = ["project", "admin-user", "services", "nodes", "servers", "groups", "crates"]
    /// `admin-user`.
    public static let adminUser = ["username", "private-key", "public-key"]
    /// What server-specs, group-specs and crates share.
    public static let body = ["extends", "phases", "handlers", "vars"]
    /// A group-spec.
    public static let group = ["service", "node", "count", "after", "vendor"] + body
    /// A crate.
    public static let crate = ["params", "phases", "handlers"]
    /// A crate parameter.
    public static let crateParameter = ["type", "default"]
    /// A use of a crate in a phase.
    public static let crateUse = ["crate", "with"]
    /// A service of provider `virtualbox`.
    public static let virtualboxService = [
        "provider", "node-path", "images", "hardware", "hardware-files", "network", "local-interface", "bridged-interface",
    ]
    /// A service of provider `hosts`.
    public static let hostsService = ["provider", "hosts", "bastions", "via"]
    /// A service of provider `kind`.
    public static func service(_ kind: ProviderKind) -> [String] {
        switch kind {
        case .virtualbox: return virtualboxService
        case .hosts: return hostsService
        }
    }
    /// An image of a virtualbox service.
    public static let image = ["disk", "os-family", "os-version", "os-type", "login"]
    /// A host of a hosts service.
    public static let host = ["name", "group", "address", "port", "os-family", "os-version", "login", "host-key", "via"]
    /// A bastion of a hosts service.
    public static let bastion = ["address", "port", "user", "private-key", "host-key"]
    /// A login (image or host).
    public static let login = ["username", "private-key"]
    /// A hardware model.
    public static let hardware = ["memory", "cpus", "vram"]
    /// A network adapter.
    public static let adapter = ["attachment", "interface", "mac", "forward"]
    /// A NAT port forward.
    public static let forward = ["name", "protocol", "host-port", "guest-port"]
    /// A node-spec.
    public static let nodeSpec = ["image", "hardware", "network"]
    /// A node-spec's image match.
    public static let imageMatch = ["os-family", "os-version"]
    /// An action's `when`.
    public static let when = ["os-family"]
    /// A secret value.
    public static let secret = ["secret"]
    /// Where a secret comes from.
    public static let secretSource = ["env", "file"]
}
