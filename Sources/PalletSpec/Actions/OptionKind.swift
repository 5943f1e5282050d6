/// The type of an action option: how it is written in YAML and what it must look like.
public enum OptionKind: Sendable, Equatable {
    /// Any text, which may use `{{ var }}`.
    case text
    /// An absolute path on the node.
    case path
    /// A user or group name, or a numeric id.
    case account
    /// A name: letters, digits, `.`, `_`, `-`.
    case name
    /// An octal file mode such as `"0644"`.
    case mode
    /// A whole number in a range.
    case integer(ClosedRange<Int>)
    /// `true` or `false`.
    case boolean
    /// One of a fixed set of words.
    case choice([String])
    /// A list of texts (a single text is a one-item list).
    case textList
    /// A list of names.
    case nameList
    /// A list of package names, each optionally pinned `name=version`.
    case packageList
    /// Environment variables: a mapping of names to text or secrets.
    case environment
    /// Text or a secret, such as a file's content.
    case content
    /// A file next to the spec, embedded in the bundle.
    case localFile
    /// Template variables: a mapping of names to text.
    case vars
    /// A script, shown in full in `run.sh`.
    case script
    /// An http(s) URL.
    case url
    /// A SHA-256 checksum in hex.
    case sha256
    /// An extended regular expression (as grep -E reads it).
    case regex

    /// A short description of the kind for documentation and messages.
    public var summary: String {
        switch self {
        case .text: return "text"
        case .path: return "absolute path"
        case .account: return "user or group name"
        case .name: return "name"
        case .mode: return "octal mode"
        case .integer(let range): return "integer \(range.lowerBound)–\(range.upperBound)"
        case .boolean: return "true or false"
        case .choice(let words): return words.joined(separator: " | ")
        case .textList: return "list of text"
        case .nameList: return "list of names"
        case .packageList: return "list of package names"
        case .environment: return "mapping of NAME to text or secret"
        case .content: return "text or secret"
        case .localFile: return "file path relative to the spec"
        case .vars: return "mapping of variables"
        case .script: return "script text"
        case .url: return "http(s) URL"
        case .sha256: return "sha256 hex"
        case .regex: return "extended regex"
        }
    }
}
