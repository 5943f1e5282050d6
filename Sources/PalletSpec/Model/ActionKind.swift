/// The kinds of action, each with its options.
public enum ActionKind: Sendable {
    /// Runs a script.
    case exec(ExecAction)
    /// Manages a file's content, owner, group and mode, or removes it.
    case file(FileAction)
    /// Installs or removes packages.
    case packages(PackagesAction)

    /// The action's key as written in specs.
    public var keyword: String {
        switch self {
        case .exec: return "exec"
        case .file: return "file"
        case .packages(let action): return action.keyword
        }
    }
}
