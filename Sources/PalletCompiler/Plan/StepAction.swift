import PalletSpec

/// A step's action with every template resolved.
public enum StepAction: Sendable {
    /// Run a script.
    case exec(ExecStep)
    /// Manage a file.
    case file(FileStep)
    /// Install or remove packages.
    case packages(PackagesStep)
}

/// A resolved `exec` action.
public struct ExecStep: Sendable {
    /// The script text.
    public var script: ShellText
    /// The interpreter command.
    public var interpreter: ShellText
    /// Skip when this path exists.
    public var creates: ShellText?
    /// Skip when this command succeeds.
    public var unless: ShellText?
    /// Run only when this command succeeds.
    public var onlyIf: ShellText?
    /// Environment variables, in the order written.
    public var environment: [(name: String, value: StepValue)]
}

/// A resolved `file` action.
public struct FileStep: Sendable {
    /// The absolute path on the node.
    public var path: ShellText
    /// The content, when managed.
    public var content: StepValue?
    /// The owning user.
    public var owner: ShellText?
    /// The owning group.
    public var group: ShellText?
    /// The octal mode.
    public var mode: String?
    /// Whether the file should exist.
    public var state: FileAction.State
}

/// A resolved `packages` or `package` action.
public struct PackagesStep: Sendable {
    /// The package names, each optionally pinned as `name=version`.
    public var names: [ShellText]
    /// The desired state.
    public var state: PackagesAction.State
}
