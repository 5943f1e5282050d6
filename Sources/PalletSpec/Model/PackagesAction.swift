/// The `packages` and `package` actions: packages installed or removed through the node's
/// package manager.
public struct PackagesAction: Sendable {
    /// The packages' desired state.
    public enum State: String, Sendable, CaseIterable {
        /// Installed (any version, or the pinned one).
        case present
        /// Not installed.
        case absent
    }

    /// `packages` or `package`, as written.
    public var keyword: String
    /// The package names, each optionally pinned as `name=version`.
    public var names: [Template]
    /// The desired state.
    public var state: State

    /// Creates a packages action.
    public init(keyword: String, names: [Template], state: State) {
        self.keyword = keyword
        self.names = names
        self.state = state
    }
}
