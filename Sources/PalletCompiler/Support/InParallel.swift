import Dispatch

/// Runs `first` on another thread while `second` runs on the calling one, and returns both
/// results once both are done.
///
/// It lets a serial piece of work (such as rendering PLAN.md) overlap a ``Swift/Array/concurrentMap(_:)``
/// that may leave processors idle at its end. When either throws, the error is rethrown after both
/// have finished; `first`'s error wins when both throw.
func inParallel<First: Sendable, Second>(_ first: @escaping @Sendable () throws -> First, _ second: () throws -> Second) throws -> (First, Second) {
    let slot = ResultSlot<First>()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        slot.store(Result { try first() })
        done.signal()
    }
    let secondResult = Result { try second() }
    done.wait()
    guard let firstResult = slot.value else { throw CancellationError() }
    return (try firstResult.get(), try secondResult.get())
}

/// One result written by one worker before it signals, and read after the wait.
private final class ResultSlot<Value>: @unchecked Sendable {
    // Safe without a lock: the worker writes once, before `DispatchSemaphore.signal()`, and the
    // caller reads only after `wait()` returned, which orders the two.
    private(set) var value: Result<Value, any Error>?

    func store(_ result: Result<Value, any Error>) {
        value = result
    }
}
