/// One list item of a phase or handler: an action, or a use of a crate that expands into the
/// crate's actions for that phase.
public enum PhaseItem: Sendable {
    /// An action.
    case action(Action)
    /// A use of a crate.
    case crateUse(CrateUse)

    /// Where the item was written.
    public var location: SourceLocation {
        switch self {
        case .action(let action): return action.location
        case .crateUse(let use): return use.location
        }
    }
}
