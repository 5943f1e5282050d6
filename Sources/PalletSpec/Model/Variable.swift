/// A named value from `vars:`, usable in templates as `{{ name }}`.
public struct Variable: Sendable {
    /// The variable's name.
    public var name: Located<String>
    /// The value's text.
    public var value: Located<String>

    /// Creates a variable.
    public init(name: Located<String>, value: Located<String>) {
        self.name = name
        self.value = value
    }
}
