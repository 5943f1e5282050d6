import PalletSpec

/// An option value with its templates resolved, ready to be emitted.
public enum ResolvedValue: Sendable {
    /// Text, quoted when emitted.
    case text(ShellText)
    /// A list of texts, emitted as one flag per item.
    case list([ShellText])
    /// A whole number.
    case integer(Int)
    /// A boolean.
    case boolean(Bool)
    /// Environment variables.
    case environment([(name: String, value: StepValue)])
    /// A secret delivered at apply time.
    case secret(SecretReference)
    /// Bytes shipped in the bundle as a payload file; `render` when they hold node values.
    case payload([UInt8], render: Bool)

    /// The texts this value writes into `run.sh`: the text, each item of a list, each text value
    /// of an environment; none for secrets, payload bytes, numbers and booleans.
    var texts: [ShellText] {
        switch self {
        case .text(let text): return [text]
        case .list(let texts): return texts
        case .environment(let pairs): return pairs.compactMap { if case .text(let text) = $0.value { text } else { nil } }
        case .integer, .boolean, .secret, .payload: return []
        }
    }
}

