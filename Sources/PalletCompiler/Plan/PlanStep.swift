import PalletSpec

/// One step of a bundle: a resolved action, or the phase's package transaction, and where it
/// was written.
public struct PlanStep: Sendable {
    /// What the step does.
    public enum Kind: Sendable {
        /// One action, with its resolved options in the schema's order.
        case action(options: [(key: String, value: ResolvedValue)])
        /// The phase's package steps as one transaction.
        case packages(PackageTransaction)
    }

    /// Where the action was written in the specs.
    public var origin: SourceLocation
    /// The action's keyword, such as `file`.
    public var keyword: ActionKeyword
    /// A one-line summary for status lines, such as `/etc/motd`.
    public var summary: ShellText
    /// What the step does.
    public var kind: Kind
    /// The handlers to notify when the step changes something.
    public var notify: [String]
    /// The OS families the step is limited to; empty means every node.
    public var osFamilies: [String]
    /// For a step that comes from a crate: which crate, and where it was used.
    public var via: String?

    /// The resolved options of an action step, in the schema's order; none for a package
    /// transaction.
    public var options: [(key: String, value: ResolvedValue)] {
        if case .action(let options) = kind { return options }
        return []
    }

    /// The value of option `key`.
    public func option(_ key: String) -> ResolvedValue? {
        options.first { $0.key == key }?.value
    }

    /// The secrets the step needs, in option order: whole values and environment values.
    public var secrets: [SecretReference] {
        options.flatMap { option -> [SecretReference] in
            switch option.value {
            case .secret(let reference): return [reference]
            case .environment(let pairs):
                return pairs.compactMap { if case .secret(let reference) = $0.value { reference } else { nil } }
            default: return []
            }
        }
    }
}
