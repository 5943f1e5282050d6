/// What server-specs and group-specs share: parents, phases, handlers and variables.
public struct SpecBody: Sendable {
    /// The server-specs this one extends, in order.
    public var extends: [Located<String>]
    /// The phase contributions in declaration order, including `pre-X` and `post-X`.
    public var phases: [PhaseContribution]
    /// The handlers, in declaration order.
    public var handlers: [Handler]
    /// The variables, in declaration order.
    public var vars: [Variable]

    /// Creates a body.
    public init(extends: [Located<String>] = [], phases: [PhaseContribution] = [], handlers: [Handler] = [], vars: [Variable] = []) {
        self.extends = extends
        self.phases = phases
        self.handlers = handlers
        self.vars = vars
    }
}
