import Dispatch

/// The package's one concurrency helper: every module (spec decoding, resolving and packing in the
/// compiler, nodes in the executor) runs work side by side through it.
extension Array where Element: Sendable {
    /// The elements transformed by `transform` on all processors, in the original order.
    ///
    /// The result does not depend on scheduling: each element's result lands at its own index.
    /// When transforms throw, the error of the lowest index is rethrown.
    /// A transform that cannot throw makes a call that cannot throw (`Failure` is `Never`).
    package func concurrentMap<Result: Sendable, Failure: Error>(
        _ transform: @Sendable (Element) throws(Failure) -> Result
    ) throws(Failure) -> [Result] {
        guard count > 1 else { return try map(transform) }
        let slots = SlotArray<Swift.Result<Result, Failure>>(count: count)
        let source = self
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.store(Swift.Result { () throws(Failure) -> Result in try transform(source[index]) }, at: index)
        }
        var results: [Result] = []
        results.reserveCapacity(count)
        for slot in slots.values() { results.append(try slot.get()) }
        return results
    }

    /// The elements transformed by the asynchronous `transform`, at most `jobs` at once, in the
    /// original order (a new element starts as soon as one finishes).
    package func concurrentMap<Result: Sendable>(
        jobs: Int, _ transform: @escaping @Sendable (Element) async -> Result
    ) async -> [Result] {
        await withTaskGroup(of: (Int, Result).self) { group in
            var results: [Int: Result] = [:]
            var next = 0
            for _ in 0..<Swift.min(jobs, count) {
                let index = next
                group.addTask { (index, await transform(self[index])) }
                next += 1
            }
            while let (index, output) = await group.next() {
                results[index] = output
                if next < count {
                    let index = next
                    group.addTask { (index, await transform(self[index])) }
                    next += 1
                }
            }
            return (0..<count).compactMap { results[$0] }
        }
    }
}

/// Runs `first` on another thread while `second` runs on the calling one, and returns both
/// results once both are done.
///
/// It lets a serial piece of work (such as rendering PLAN.md) overlap a ``Swift/Array/concurrentMap(_:)``
/// that may leave processors idle at its end. When either throws, the error is rethrown after both
/// have finished; `first`'s error wins when both throw.
package func inParallel<First: Sendable, Second>(
    _ first: @escaping @Sendable () throws -> First, _ second: () throws -> Second
) throws -> (First, Second) {
    let slot = SlotArray<Result<First, any Error>>(count: 1)
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        slot.store(Result { try first() }, at: 0)
        done.signal()
    }
    let secondResult = Result { try second() }
    done.wait()
    guard let firstResult = slot.values().first else { throw CancellationError() }
    return (try firstResult.get(), try secondResult.get())
}

/// A fixed number of slots that concurrent workers fill, each slot written by exactly one worker.
private final class SlotArray<Value>: @unchecked Sendable {
    // Safe without a lock: each slot is written by one worker only, and read after that worker is
    // known to be done (`concurrentPerform` has returned, or the semaphore it signals was waited
    // for). The storage is raw memory, so no exclusive access to a shared Swift array is ever claimed.
    private let base: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<Value?>.allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func store(_ value: Value, at index: Int) {
        base[index] = value
    }

    func values() -> [Value] {
        UnsafeBufferPointer(start: base, count: count).compactMap { $0 }
    }
}
