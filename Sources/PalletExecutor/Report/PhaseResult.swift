import PalletContract

/// What happened when one phase ran on one node.
public struct PhaseResult: Codable, Sendable {
    /// How the phase ended on the node.
    public enum Outcome: String, Codable, Sendable {
        /// Every step was already right.
        case ok
        /// Some step changed the node (or would have, in check mode).
        case changed
        /// A step failed, or the run broke off.
        case failed
        /// ssh could not reach or log in to the node.
        case unreachable
        /// Not run, because an earlier phase failed on the node or bootstrap was done already.
        case skipped
    }

    /// One step's status line.
    public struct StepRecord: Codable, Sendable {
        /// The step's 1-based index.
        public var index: Int
        /// The number of steps (of the bundle or the handler).
        public var total: Int
        /// How the step ended, as the node said.
        public var status: StepStatus
        /// The action and its summary.
        public var text: String
        /// The handler the step belongs to, if any.
        public var handler: String?
    }

    /// The node's name.
    public var node: String
    /// The node's group.
    public var group: String
    /// The phase.
    public var phase: String
    /// How it ended.
    public var outcome: Outcome
    /// Steps that were already right.
    public var ok: Int
    /// Steps that changed (or would change).
    public var changed: Int
    /// Steps skipped by `when`.
    public var skipped: Int
    /// Steps that failed.
    public var failed: Int
    /// Every status line, in order.
    public var steps: [StepRecord]
    /// Check mode: what would change.
    public var diffs: [String]
    /// Why the phase failed or the node was unreachable.
    public var message: String?
    /// The log file of the run.
    public var log: String
    /// Wall time in seconds.
    public var seconds: Double
    /// What of the node's output was cut to stay within the output limits (nil when nothing).
    public var truncated: String? = nil
    /// For a bundle with vendored packages (not in check mode): the `.deb` files sent, because
    /// the node lacked their packages.
    public var vendored: VendoredTransfer? = nil

    /// The vendored `.deb` files one phase sent to one node.
    public struct VendoredTransfer: Codable, Sendable, Equatable {
        /// How many files.
        public var files: Int
        /// Their size in bytes, together.
        public var bytes: Int
    }

    /// A result for a phase that did not run.
    static func notRun(_ target: Target, phase: String, outcome: Outcome, message: String, log: String) -> PhaseResult {
        PhaseResult(node: target.name, group: target.group, phase: phase, outcome: outcome, ok: 0, changed: 0, skipped: 0, failed: 0,
                    steps: [], diffs: [], message: message, log: log, seconds: 0)
    }
}
