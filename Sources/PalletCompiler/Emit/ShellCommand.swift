import PalletContract

/// One command line of a generated script, built from words that are quoted as they are added.
struct ShellCommand {
    /// The words, already quoted where needed.
    private(set) var words: [String]

    /// Starts a command with a fixed function or program name (a trusted identifier).
    init(_ name: String) {
        words = [name]
    }

    /// Adds a fixed word, such as a flag; it must be a trusted constant.
    mutating func flag(_ word: String) {
        words.append(word)
    }

    /// Adds a literal argument, quoted.
    mutating func argument(_ text: String) {
        words.append(ShellQuoting.quote(text))
    }

    /// Adds shell text, quoted.
    mutating func argument(_ text: ShellText) {
        words.append(ShellQuoting.quote(text))
    }

    /// Adds `flag value` when the value is set.
    mutating func option(_ flag: String, _ value: ShellText?) {
        guard let value else { return }
        words.append(flag)
        argument(value)
    }

    /// Adds `flag value` when the value is set.
    mutating func option(_ flag: String, _ value: String?) {
        guard let value else { return }
        words.append(flag)
        argument(value)
    }

    /// The command as one line.
    var line: String { words.joined(separator: " ") }
}
