/// The key of each action of the spec language, in documentation order: what a spec writes as
/// an action's key, and what the compiler and emitters compare instead of strings.
public enum ActionKeyword: String, CaseIterable, Sendable, CustomStringConvertible {
    /// `packages`: several packages.
    case packages
    /// `package`: one package.
    case package
    /// `package-source`: an apt source or yum/dnf repository.
    case packageSource = "package-source"
    /// `package-manager`: the package manager's settings.
    case packageManager = "package-manager"
    /// `file`: a file's content and attributes.
    case file
    /// `directory`: a directory.
    case directory
    /// `link`: a symbolic link.
    case link
    /// `line`: one line of a file.
    case line
    /// `user`: a user account.
    case user
    /// `group`: a group account.
    case group
    /// `authorized-key`: an ssh key a user accepts.
    case authorizedKey = "authorized-key"
    /// `service`: a service's state.
    case service
    /// `exec`: a script.
    case exec
    /// `sysctl`: a kernel parameter.
    case sysctl
    /// `cron`: a cron job.
    case cron

    /// The keyword as written in specs.
    public var description: String { rawValue }

    /// The action's schema in ``ActionCatalog``.
    public var schema: ActionSchema {
        switch self {
        case .packages: return ActionCatalog.packages
        case .package: return ActionCatalog.package
        case .packageSource: return ActionCatalog.packageSource
        case .packageManager: return ActionCatalog.packageManager
        case .file: return ActionCatalog.file
        case .directory: return ActionCatalog.directory
        case .link: return ActionCatalog.link
        case .line: return ActionCatalog.line
        case .user: return ActionCatalog.user
        case .group: return ActionCatalog.group
        case .authorizedKey: return ActionCatalog.authorizedKey
        case .service: return ActionCatalog.service
        case .exec: return ActionCatalog.exec
        case .sysctl: return ActionCatalog.sysctl
        case .cron: return ActionCatalog.cron
        }
    }

    /// Whether the action's steps join the phase's one package transaction (`packages` and
    /// `package`).
    public var isPackageRequest: Bool {
        self == .packages || self == .package
    }
}
