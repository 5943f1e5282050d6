import Glibc

/// Splits a byte stream into lines with a bounded buffer: a line longer than `maxLineBytes` is
/// cut there, and the rest of it is only counted, never stored. Memory stays at most
/// `maxLineBytes` however much a node sends, and the work is linear in the bytes.
struct LineSplitter {
    /// One line: its first bytes (at most the limit) and its full length in bytes.
    struct Line {
        /// The kept bytes, without the newline (and without a CR before it).
        var bytes: [UInt8]
        /// The line's full length in bytes, without its newline.
        var length: Int
        /// Whether the line was cut.
        var cut: Bool { length > bytes.count }
    }

    let maxLineBytes: Int
    private var current: [UInt8] = []
    private var length = 0
    private var open = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Feeds `chunk`; `emit` sees each line it completes.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (Line) -> Void) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        while start < chunk.count {
            let found = memchr(base + start, 0x0A, chunk.count - start)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? chunk.count
            take(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
            if found != nil {
                emit(finish())
            }
            start = end + (found == nil ? 0 : 1)
        }
    }

    /// Ends the stream; `emit` sees the last line if it had no newline.
    mutating func end(_ emit: (Line) -> Void) {
        if open { emit(finish()) }
    }

    private mutating func take(_ piece: UnsafeRawBufferPointer) {
        open = true
        length += piece.count
        let room = maxLineBytes + 1 - current.count  // one more byte, so a CR before the newline can be dropped
        if room > 0 { current.append(contentsOf: piece.prefix(room)) }
    }

    private mutating func finish() -> Line {
        var bytes = current
        var full = length
        if full <= bytes.count, bytes.last == 0x0D {
            bytes.removeLast()
            full -= 1
        }
        if bytes.count > maxLineBytes { bytes.removeLast(bytes.count - maxLineBytes) }
        current.removeAll(keepingCapacity: true)
        length = 0
        open = false
        return Line(bytes: bytes, length: full)
    }
}
