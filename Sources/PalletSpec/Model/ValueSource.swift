/// Where a value comes from: text in the specs, or a secret resolved at apply time.
public enum ValueSource: Sendable {
    /// Text, possibly with variable references.
    case text(Template)
    /// A secret, never written into `out/`.
    case secret(SecretReference)
}
