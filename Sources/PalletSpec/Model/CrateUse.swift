/// A use of a crate in a phase or handler, written `- crate: NAME` with `with: {...}` beside it.
public struct CrateUse: Sendable {
    /// A value given to a secret parameter of the crate.
    public struct SecretValue: Sendable {
        /// The parameter's name.
        public var name: Located<String>
        /// The secret it receives.
        public var reference: SecretReference

        /// Creates a secret value for parameter `name`.
        public init(name: Located<String>, reference: SecretReference) {
            self.name = name
            self.reference = reference
        }
    }

    /// The key that marks a list item as a crate use.
    public static let keyword = "crate"

    /// The crate's name.
    public var name: Located<String>
    /// The text values given in `with:`, in order.
    public var values: [Variable]
    /// The secret values given in `with:`, in order.
    public var secrets: [SecretValue]
    /// Where the use was written (its list item).
    public var location: SourceLocation

    /// Creates a crate use.
    public init(name: Located<String>, values: [Variable], secrets: [SecretValue], location: SourceLocation) {
        self.name = name
        self.values = values
        self.secrets = secrets
        self.location = location
    }
}
