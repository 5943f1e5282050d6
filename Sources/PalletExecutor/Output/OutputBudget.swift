import Synchronization

/// Bytes of node text the whole run may still keep in memory, shared by all nodes.
public final class OutputBudget: Sendable {
    private let remaining: Mutex<Int>

    /// Creates a budget of `bytes`.
    public init(bytes: Int) {
        remaining = Mutex(bytes)
    }

    /// Takes `bytes` from the budget; false (and nothing taken) when not enough is left.
    func take(_ bytes: Int) -> Bool {
        remaining.withLock { left in
            guard left >= bytes else { return false }
            left -= bytes
            return true
        }
    }
}
