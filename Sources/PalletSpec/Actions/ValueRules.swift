/// The rule each option kind sets for its value: one place that both the decoder (for literal
/// values) and the resolver (for values after `vars`, crate parameters and templates) apply, so a
/// value that would be refused when written literally is refused when it comes from a variable.
public enum ValueRules {
    /// The error message for `text` as the value of an option of `kind` named `context` (such as
    /// `'owner'`), or nil when the value meets the kind's rule. Kinds without a rule on their text
    /// (free text, scripts, contents) always pass.
    public static func problem(with text: String, kind: OptionKind, context: String) -> String? {
        let shown = shortened(text)
        switch kind {
        case .path:
            if NameRules.isCleanAbsolutePath(text) { return nil }
            return "\(context) must be an absolute path without '.', '..' or empty components, found '\(shown)'"
        case .account:
            if NameRules.isValidAccount(text) { return nil }
            return "\(context) '\(shown)' is not a valid user or group name"
        case .name, .nameList:
            if NameRules.isValidName(text) { return nil }
            return "\(context) '\(shown)' is not a valid name: use letters, digits, '.', '_' and '-', starting with a letter or digit"
        case .mode:
            if NameRules.isValidMode(text) { return nil }
            return "\(context) must be an octal mode such as \"0644\" (quoted), found '\(shown)'"
        case .url:
            if NameRules.isValidURL(text) { return nil }
            return urlProblem(context: context, found: shown)
        case .packageList:
            if NameRules.isValidPackage(text) { return nil }
            return "'\(shown)' is not a valid package name (letters, digits, '+', '-', '.', '_', optionally '=version')"
        case .choice(let words):
            if words.contains(text) { return nil }
            return "\(context) must be one of \(words.map { "'\($0)'" }.joined(separator: ", ")), found '\(shown)'"
        case .text, .integer, .boolean, .textList, .environment, .content, .localFile, .vars, .script, .sha256, .regex:
            return nil
        }
    }

    /// The message for a value of option `context` that is not an http(s) URL; `shown` is the value
    /// as ``shortened(_:)`` gives it.
    static func urlProblem(context: String, found shown: String) -> String {
        "\(context) must be an http:// or https:// URL of URL characters only (no spaces, quotes, "
            + "backslashes or control characters), found '\(shown)'"
    }

    /// `text` escaped for a message and cut to its first 80 characters, so that a long value
    /// never floods the terminal.
    public static func shortened(_ text: String) -> String {
        var scalars = text.unicodeScalars.prefix(81)
        guard scalars.count > 80 else { return text.debugEscaped }
        scalars = scalars.prefix(77)
        return String(String.UnicodeScalarView(scalars)).debugEscaped + "..."
    }
}
