/// The `file` action: a file's content, owner, group and mode, or its absence.
public struct FileAction: Sendable {
    /// Whether the file should exist.
    public enum State: String, Sendable, CaseIterable {
        /// The file exists with the given content and attributes.
        case present
        /// The file does not exist.
        case absent
    }

    /// The absolute path on the node.
    public var path: Template
    /// The content, when managed.
    public var content: ValueSource?
    /// The owning user.
    public var owner: Template?
    /// The owning group.
    public var group: Template?
    /// The octal mode, such as `0644`.
    public var mode: Located<String>?
    /// Whether the file should exist.
    public var state: FileAction.State

    /// Creates a file action.
    public init(path: Template, content: ValueSource?, owner: Template?, group: Template?, mode: Located<String>?, state: State) {
        self.path = path
        self.content = content
        self.owner = owner
        self.group = group
        self.mode = mode
        self.state = state
    }
}
