/// One option an action accepts.
public struct OptionSpec: Sendable {
    /// The option's key, such as `owner`.
    public var key: String
    /// Its type.
    public var kind: OptionKind
    /// Whether the action needs it.
    public var required: Bool
    /// One sentence of documentation.
    public var help: String

    /// Creates an option.
    public init(_ key: String, _ kind: OptionKind, required: Bool = false, _ help: String) {
        self.key = key
        self.kind = kind
        self.required = required
        self.help = help
    }
}
