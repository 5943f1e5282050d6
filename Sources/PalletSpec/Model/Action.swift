/// One step of a phase or handler, as written in a spec.
public struct Action: Sendable {
    /// The action's kind with its options.
    public var kind: ActionKind
    /// A human name for the step, shown in status lines.
    public var name: Template?
    /// The handlers to run when this step changes something.
    public var notify: [Located<String>]
    /// A condition on the node that decides whether the step runs.
    public var when: WhenCondition?
    /// Where the action was written (its list item).
    public var location: SourceLocation

    /// Creates an action.
    public init(kind: ActionKind, name: Template?, notify: [Located<String>], when: WhenCondition?, location: SourceLocation) {
        self.kind = kind
        self.name = name
        self.notify = notify
        self.when = when
        self.location = location
    }
}
