/// Actions that run at the end of a phase when a step that notifies them has changed something.
public struct Handler: Sendable {
    /// The handler's name, as `notify` refers to it.
    public var name: Located<String>
    /// The actions in order.
    public var actions: [Action]

    /// Creates a handler.
    public init(name: Located<String>, actions: [Action]) {
        self.name = name
        self.actions = actions
    }
}
