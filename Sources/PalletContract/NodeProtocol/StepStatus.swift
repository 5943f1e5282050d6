/// The status word of a protocol line: of one step (`::pallet step K/N STATUS …` and
/// `::pallet handler NAME K/N STATUS …`, as `pallet_step_end` in the runtime prints it), and of a
/// run's end (`::pallet end STATUS …`: ok from `pallet_end`, failed from `pallet_abort`).
///
/// On the wire and in the JSON report a status is its ``word``, exactly as the node sent it.
public enum StepStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The step found everything in place.
    case ok
    /// The step changed the node.
    case changed
    /// Check mode: the step would change the node.
    case wouldChange
    /// Check mode: only a command of the spec or a download could tell, and check mode runs none.
    case unknown
    /// The step's `when` did not match the node.
    case skipped
    /// The step failed and the run stopped.
    case failed
    /// A word this pallet does not know (a newer runtime, or a node printing protocol lines of its
    /// own). It is kept as sent, already escaped, and counts as a change, as any status but ok,
    /// skipped and failed does.
    case unrecognized(String)

    /// The status for a status word.
    public init(word: String) {
        switch word {
        case "ok": self = .ok
        case "changed": self = .changed
        case "would-change": self = .wouldChange
        case "unknown": self = .unknown
        case "skipped": self = .skipped
        case "failed": self = .failed
        default: self = .unrecognized(word)
        }
    }

    /// The status word, as the runtime prints it.
    public var word: String {
        switch self {
        case .ok: "ok"
        case .changed: "changed"
        case .wouldChange: "would-change"
        case .unknown: "unknown"
        case .skipped: "skipped"
        case .failed: "failed"
        case .unrecognized(let word): word
        }
    }

    /// The status word.
    public var description: String { word }

    /// Decodes a status from its word.
    public init(from decoder: any Decoder) throws {
        self.init(word: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the status as its word.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(word)
    }
}
