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

    /// Creates a plan document from its parts.
    public init(format: Int, generator: String, inputs: Inputs, project: String?, orphans: String?, adminUser: AdminUserEntry?,
                groups: [Group]) {
        self.format = format
        self.generator = generator
        self.inputs = inputs
        self.project = project
        self.orphans = orphans
        self.adminUser = adminUser
        self.groups = groups
    }

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

        /// Creates the inputs entry from the digest, its method and the files it covers.
        public init(digest: String, method: String, files: [String]) {
            self.digest = digest
            self.method = method
            self.files = files
        }
    }

    /// The admin user's name and key paths (never key contents).
    public struct AdminUserEntry: Codable, Sendable {
        /// The login name.
        public var username: String
        /// The private key's path on the control host.
        public var privateKey: String?
        /// The public key's path on the control host.
        public var publicKey: String?

        /// Creates the admin user entry from the login name and the key paths.
        public init(username: String, privateKey: String?, publicKey: String?) {
            self.username = username
            self.privateKey = privateKey
            self.publicKey = publicKey
        }

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

        /// Creates a group entry from its parts.
        public init(name: String, service: String, provider: String, count: Int, after: [String], chain: [String],
                    nodes: [PlannedNode], bundles: [Bundle], provision: String?) {
            self.name = name
            self.service = service
            self.provider = provider
            self.count = count
            self.after = after
            self.chain = chain
            self.nodes = nodes
            self.bundles = bundles
            self.provision = provision
        }
    }

    /// One bundle.
    public struct Bundle: Codable, Sendable {
        /// The phase's name.
        public var phase: PhaseName
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
        /// The `.deb` files the bundle installs from the vendor cache, sorted by name; nil (left
        /// out of the file) when the bundle installs none.
        public var vendored: [VendoredPackage]?

        /// Creates a bundle entry from its parts.
        public init(phase: PhaseName, archive: String, sha256: String, steps: Int, handlers: [String], secrets: [Secret],
                    vendored: [VendoredPackage]? = nil) {
            self.phase = phase
            self.archive = archive
            self.sha256 = sha256
            self.steps = steps
            self.handlers = handlers
            self.secrets = secrets
            self.vendored = vendored
        }
    }

    /// A secret the executor resolves at apply time.
    public struct Secret: Codable, Sendable {
        /// The identifier the bundle reads it under.
        public var id: String
        /// The environment variable it comes from, if so.
        public var env: String?
        /// The file it comes from, if so.
        public var file: String?

        /// Creates a secret entry from its identifier and its source: an environment variable or a file.
        public init(id: String, env: String?, file: String?) {
            self.id = id
            self.env = env
            self.file = file
        }
    }
}
