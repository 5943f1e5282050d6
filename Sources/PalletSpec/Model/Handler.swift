/// Actions that run at the end of a phase when a step that notifies them has changed something.
public struct Handler: Sendable {
    /// The handler's name, as `notify` refers to it.
    public var name: Located<String>
    /// The actions and crate uses in order.
    public var items: [PhaseItem]

    /// Creates a handler.
    public init(name: Located<String>, items: [PhaseItem]) {
        self.name = name
        self.items = items
    }
}
