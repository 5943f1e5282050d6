/// How much of what a node sends pallet keeps: per line, per node phase (log, diff lines, step
/// records) and per run (the report's kept text across all nodes). What goes past a limit is
/// counted, not stored, and the report and the log say so.
public struct OutputLimits: Sendable {
    /// Bytes kept of one line; the rest of a longer line is dropped.
    public var maxLineBytes: Int
    /// Bytes of one node phase's log file.
    public var maxLogBytes: Int
    /// Diff lines kept in the report for one node phase.
    public var maxDiffLines: Int
    /// Step records kept in the report for one node phase.
    public var maxStepRecords: Int
    /// Bytes of diff and step text kept in the report for one node phase.
    public var maxKeptBytes: Int
    /// Bytes of diff and step text kept in the report for the whole run.
    public var runBudget: OutputBudget

    /// The limits `pallet apply` and `lift` use: lines of 16 KiB, logs of 32 MiB, and per node
    /// phase 10,000 diff lines and 10,000 step records within 4 MiB; 64 MiB per run.
    public static func standard() -> OutputLimits {
        OutputLimits(maxLineBytes: 16 << 10, maxLogBytes: 32 << 20, maxDiffLines: 10_000, maxStepRecords: 10_000,
                     maxKeptBytes: 4 << 20, runBudget: OutputBudget(bytes: 64 << 20))
    }

    /// Creates limits.
    public init(maxLineBytes: Int, maxLogBytes: Int, maxDiffLines: Int, maxStepRecords: Int, maxKeptBytes: Int, runBudget: OutputBudget) {
        self.maxLineBytes = maxLineBytes
        self.maxLogBytes = maxLogBytes
        self.maxDiffLines = maxDiffLines
        self.maxStepRecords = maxStepRecords
        self.maxKeptBytes = maxKeptBytes
        self.runBudget = runBudget
    }
}
