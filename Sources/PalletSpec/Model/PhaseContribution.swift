/// The actions one spec contributes to one phase.
public struct PhaseContribution: Sendable {
    /// The phase name as written, such as `configure` or `pre-configure`.
    public var name: Located<String>
    /// The actions and crate uses in order.
    public var items: [PhaseItem]

    /// Creates a contribution.
    public init(name: Located<String>, items: [PhaseItem]) {
        self.name = name
        self.items = items
    }
}
