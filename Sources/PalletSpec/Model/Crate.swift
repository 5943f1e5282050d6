/// A crate: a named, parameterised unit of phases and handlers, used in a phase as
/// `- crate: NAME` with `with: {...}`.
public struct Crate: Sendable {
    /// One parameter of a crate.
    public struct Parameter: Sendable {
        /// The kinds of value a parameter takes.
        public enum Kind: String, Sendable, CaseIterable {
            /// Any text.
            case text
            /// A whole number.
            case integer
            /// `true` or `false`.
            case boolean
            /// A secret, `{secret: {env: NAME}}` or `{secret: {file: PATH}}`, usable inside the
            /// crate as a whole file content or environment value.
            case secret
        }

        /// The parameter's name, used as `{{ name }}` inside the crate.
        public var name: Located<String>
        /// Its kind.
        public var kind: Kind
        /// Its default; a parameter without one must be given.
        public var defaultValue: String?
    }

    /// The crate's name.
    public var name: Located<String>
    /// Its parameters.
    public var parameters: [Parameter]
    /// Its phases and handlers.
    public var body: SpecBody
    /// Whether the crate ships with pallet.
    public var builtIn: Bool

    /// Creates a crate.
    public init(name: Located<String>, parameters: [Parameter], body: SpecBody, builtIn: Bool) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.builtIn = builtIn
    }

    /// The parameter named `name`.
    public func parameter(_ name: String) -> Parameter? {
        parameters.first { $0.name.value == name }
    }
}
