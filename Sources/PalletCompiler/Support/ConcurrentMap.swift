import Dispatch

extension Array where Element: Sendable {
    /// The elements transformed by `transform` on all processors, in the original order.
    ///
    /// The result does not depend on scheduling: each element's result lands at its own index.
    /// When transforms throw, the error of the lowest index is rethrown.
    func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) throws -> Result) throws -> [Result] {
        guard count > 1 else { return try map(transform) }
        let slots = SlotArray<Swift.Result<Result, any Error>>(count: count)
        let source = self
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.store(Swift.Result { try transform(source[index]) }, at: index)
        }
        return try slots.values().map { try $0.get() }
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
