/// The `exec` action: run a script, guarded by `creates`, `unless` and `only-if`.
public struct ExecAction: Sendable {
    /// The script text.
    public var script: Template
    /// The interpreter, `bash` when not set.
    public var interpreter: Template?
    /// Skip the script when this path exists.
    public var creates: Template?
    /// Skip the script when this shell command succeeds.
    public var unless: Template?
    /// Run the script only when this shell command succeeds.
    public var onlyIf: Template?
    /// Environment variables for the script.
    public var environment: [(name: Located<String>, value: ValueSource)]

    /// Creates an exec action.
    public init(script: Template, interpreter: Template?, creates: Template?, unless: Template?, onlyIf: Template?,
                environment: [(name: Located<String>, value: ValueSource)]) {
        self.script = script
        self.interpreter = interpreter
        self.creates = creates
        self.unless = unless
        self.onlyIf = onlyIf
        self.environment = environment
    }
}
