/// One step of a phase or handler, as written in a spec.
public struct Action: Sendable {
    /// The action's key, such as `file`.
    public var keyword: ActionKeyword
    /// The action's options, decoded and checked against its schema.
    public var options: ActionOptions
    /// A human name for the step, shown in status lines.
    public var name: Template?
    /// The handlers to run when this step changes something.
    public var notify: [Located<String>]
    /// A condition on the node that decides whether the step runs.
    public var when: WhenCondition?
    /// Where the action was written (its list item).
    public var location: SourceLocation

    /// Creates an action.
    public init(keyword: ActionKeyword, options: ActionOptions, name: Template?, notify: [Located<String>], when: WhenCondition?,
                location: SourceLocation) {
        self.keyword = keyword
        self.options = options
        self.name = name
        self.notify = notify
        self.when = when
        self.location = location
    }

    /// The action's schema.
    public var schema: ActionSchema { keyword.schema }
}
