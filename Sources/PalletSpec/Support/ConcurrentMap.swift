import Dispatch

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
}

/// A fixed number of slots that concurrent workers fill, each slot written by exactly one worker.
private final class SlotArray<Value>: @unchecked Sendable {
    // Safe without a lock: `concurrentPerform` hands every index to one worker, workers only
    // write their own slot, and the slots are read after `concurrentPerform` has returned. The
    // storage is raw memory, so no exclusive access to a shared Swift array is ever claimed.
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
