/// The actions one spec contributes to one phase.
public struct PhaseContribution: Sendable {
    /// The phase name as written, such as `configure` or `pre-configure`.
    public var name: Located<String>
    /// The actions in order.
    public var actions: [Action]

    /// Creates a contribution.
    public init(name: Located<String>, actions: [Action]) {
        self.name = name
        self.actions = actions
    }
}
