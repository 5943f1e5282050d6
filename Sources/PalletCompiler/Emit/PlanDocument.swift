import PalletSpec

/// The machine-readable plan written as `out/plan.json`, which the executor reads.
public struct PlanDocument: Codable, Sendable {
    /// The file format's version.
    public var format: Int
    /// The pallet that wrote the plan.
    public var generator: String
    /// The inputs the plan was compiled from.
    public var inputs: Inputs
    /// The project's name, if the specs give one: every VirtualBox VM of the project carries it.
    public var project: String?
    /// `provision/orphans.sh`, when the specs define a virtualbox service.
    public var orphans: String?
    /// The admin user, if defined.
    public var adminUser: AdminUserEntry?
    /// The groups in definition order.
    public var groups: [Group]

    enum CodingKeys: String, CodingKey {
        case format, generator, inputs, groups, project, orphans
        case adminUser = "admin-user"
    }

    /// The inputs digest and the files it covers.
    public struct Inputs: Codable, Sendable {
        /// `sha256:<hex>` over the files.
        public var digest: String
        /// How the digest is computed.
        public var method: String
        /// The project-relative paths of the files.
        public var files: [String]
    }

    /// The admin user's name and key paths (never key contents).
    public struct AdminUserEntry: Codable, Sendable {
        /// The login name.
        public var username: String
        /// The private key's path on the control host.
        public var privateKey: String?
        /// The public key's path on the control host.
        public var publicKey: String?

        enum CodingKeys: String, CodingKey {
            case username
            case privateKey = "private-key"
            case publicKey = "public-key"
        }
    }

    /// One group.
    public struct Group: Codable, Sendable {
        /// The group's name.
        public var name: String
        /// The service's name.
        public var service: String
        /// `virtualbox` or `hosts`.
        public var provider: String
        /// The target node count.
        public var count: Int
        /// Groups that run each phase first.
        public var after: [String]
        /// The server-specs in resolution order.
        public var chain: [String]
        /// The nodes known at plan time.
        public var nodes: [PlannedNode]
        /// The phases' bundles, in phase order.
        public var bundles: [Bundle]
        /// The provisioning script of a virtualbox group, relative to `out/`.
        public var provision: String?
    }

    /// One bundle.
    public struct Bundle: Codable, Sendable {
        /// The phase's name.
        public var phase: String
        /// The archive's path relative to `out/`.
        public var archive: String
        /// The archive's SHA-256.
        public var sha256: String
        /// The number of steps.
        public var steps: Int
        /// The handlers the bundle may run.
        public var handlers: [String]
        /// The secrets the executor must deliver.
        public var secrets: [Secret]
    }

    /// A secret the executor resolves at apply time.
    public struct Secret: Codable, Sendable {
        /// The identifier the bundle reads it under.
        public var id: String
        /// The environment variable it comes from, if so.
        public var env: String?
        /// The file it comes from, if so.
        public var file: String?
    }
}
