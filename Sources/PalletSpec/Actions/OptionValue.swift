/// A decoded option value.
public enum OptionValue: Sendable {
    /// Text (paths, names, modes, URLs and so on), possibly with variables.
    case text(Template)
    /// A list of texts.
    case list([Template])
    /// A whole number.
    case integer(Located<Int>)
    /// A boolean.
    case boolean(Located<Bool>)
    /// Environment variables.
    case environment([(name: Located<String>, value: ValueSource)])
    /// Text or a secret.
    case content(ValueSource)
    /// A file next to the specs, read at plan time.
    case localFile(InputFile, SourceLocation)
    /// Template variables.
    case vars([Variable])
}
