internal import CSystemShims

/// An incremental SHA-256 hasher (FIPS 180-4): portable Swift, or the x86 SHA extensions when present.
///
/// Feed data with `update(_:)` as many times as needed and call ``finalize()`` to obtain
/// the 32-byte digest. For one-shot hashing use ``digest(_:)`` or ``hexDigest(_:)``.
///
/// The hasher is a value type: copying it forks the hashing state, which makes it cheap
/// to compute digests of several inputs that share a common prefix.
public struct SHA256: Sendable {
    /// The size of a SHA-256 digest in bytes.
    public static let digestByteCount = 32

    /// The size of a SHA-256 message block in bytes.
    public static let blockByteCount = 64

    /// The eight words of the chaining state, `H0` through `H7`.
    private var h0: UInt32 = 0x6a09_e667
    private var h1: UInt32 = 0xbb67_ae85
    private var h2: UInt32 = 0x3c6e_f372
    private var h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f
    private var h5: UInt32 = 0x9b05_688c
    private var h6: UInt32 = 0x1f83_d9ab
    private var h7: UInt32 = 0x5be0_cd19

    /// Bytes of an incomplete block waiting for more input; only the first `pendingCount` are meaningful.
    private var pending = [UInt8](repeating: 0, count: SHA256.blockByteCount)

    /// The number of meaningful bytes in `pending`, always less than one block.
    private var pendingCount = 0

    /// The total number of message bytes fed so far (modulo 2^64).
    private var messageLength: UInt64 = 0

    /// Whether blocks go through the processor's SHA extensions.
    private var usesHardware = SHA256.hardwareAvailable

    /// Creates a hasher in the initial SHA-256 state.
    public init() {}

    /// Creates a hasher that never uses the SHA extensions, so tests can compare both paths.
    init(portable: Bool) {
        usesHardware = SHA256.hardwareAvailable && !portable
    }

    /// Feeds the bytes of a sequence into the hash.
    ///
    /// Sequences with contiguous storage, such as `[UInt8]`, `ArraySlice<UInt8>`, `Data`,
    /// `UnsafeRawBufferPointer` and native `String.UTF8View`, are hashed directly from their
    /// storage; other sequences are gathered into 4 KiB chunks first.
    @inlinable
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            self.update(UnsafeRawBufferPointer(buffer))
        }
        if handled != nil {
            return
        }
        let chunkSize = 4096
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunkSize) { chunk in
            var count = 0
            for byte in bytes {
                chunk[count] = byte
                count += 1
                if count == chunkSize {
                    self.update(UnsafeRawBufferPointer(chunk))
                    count = 0
                }
            }
            self.update(UnsafeRawBufferPointer(start: chunk.baseAddress, count: count))
        }
    }

    /// Feeds the bytes in a raw memory buffer into the hash.
    ///
    /// This is the fastest way to hash memory that is already available, for example a
    /// memory-mapped file; whole blocks are processed in place without copying.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0, let base = buffer.baseAddress else {
            return
        }
        messageLength &+= UInt64(buffer.count)
        var offset = 0
        if pendingCount > 0 {
            let start = pendingCount
            let take = min(SHA256.blockByteCount - start, buffer.count)
            pending.withUnsafeMutableBytes { destination in
                // `pending` always holds exactly one block, so the range is in bounds.
                let target = UnsafeMutableRawBufferPointer(rebasing: destination[start ..< start + take])
                target.copyMemory(from: UnsafeRawBufferPointer(start: base, count: take))
            }
            pendingCount += take
            offset = take
            if pendingCount < SHA256.blockByteCount {
                return
            }
            compressPending()
        }
        let wholeBlockBytes = (buffer.count - offset) / SHA256.blockByteCount * SHA256.blockByteCount
        if wholeBlockBytes > 0 {
            compress(UnsafeRawBufferPointer(start: base + offset, count: wholeBlockBytes))
            offset += wholeBlockBytes
        }
        let remainder = buffer.count - offset
        if remainder > 0 {
            pending.withUnsafeMutableBytes { destination in
                destination.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: remainder))
            }
            pendingCount = remainder
        }
    }

    /// Completes the hash and returns the 32-byte digest.
    ///
    /// The message is padded as the standard requires, the digest is produced, and the hasher
    /// is then reset to its initial state so that it can be reused for a new message.
    public mutating func finalize() -> [UInt8] {
        let bitLength = messageLength &* 8
        // One 0x80 byte, zeros up to 56 mod 64, then the 64-bit big-endian message length.
        let zeroCount = (pendingCount < 56 ? 55 : 119) - pendingCount
        var padding = [UInt8](repeating: 0, count: 1 + zeroCount + 8)
        padding[0] = 0x80
        for index in 0 ..< 8 {
            padding[1 + zeroCount + index] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(index)))
        }
        update(padding)
        assert(pendingCount == 0, "SHA-256 padding must end on a block boundary")

        var result = [UInt8](repeating: 0, count: SHA256.digestByteCount)
        for (index, word) in [h0, h1, h2, h3, h4, h5, h6, h7].enumerated() {
            result[4 * index] = UInt8(truncatingIfNeeded: word >> 24)
            result[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 16)
            result[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 8)
            result[4 * index + 3] = UInt8(truncatingIfNeeded: word)
        }
        self = SHA256(portable: !usesHardware)
        return result
    }

    /// Returns the 32-byte SHA-256 digest of a byte sequence.
    @inlinable
    public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of a byte sequence as 64 lowercase hexadecimal characters.
    @inlinable
    public static func hexDigest(_ bytes: some Sequence<UInt8>) -> String {
        Hex.encode(digest(bytes))
    }

    // MARK: - Compression

    /// Compresses the full block held in `pending` and empties it.
    private mutating func compressPending() {
        let block = pending
        block.withUnsafeBytes { compress($0) }
        pendingCount = 0
    }

    /// Runs the compression function over consecutive 64-byte blocks.
    ///
    /// - Parameter blocks: Memory whose size is a multiple of 64 bytes; it may be unaligned.
    private mutating func compress(_ blocks: UnsafeRawBufferPointer) {
        assert(blocks.count % SHA256.blockByteCount == 0, "compress requires whole blocks")
        if usesHardware, let base = blocks.baseAddress {
            var state = (h0, h1, h2, h3, h4, h5, h6, h7)
            withUnsafeMutableBytes(of: &state) { words in
                guard let words = words.baseAddress?.assumingMemoryBound(to: UInt32.self) else { return }
                pallet_sha256_blocks(words, base.assumingMemoryBound(to: UInt8.self), blocks.count / SHA256.blockByteCount)
            }
            (h0, h1, h2, h3, h4, h5, h6, h7) = state
            return
        }
        var s0 = h0, s1 = h1, s2 = h2, s3 = h3, s4 = h4, s5 = h5, s6 = h6, s7 = h7
        SHA256.roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                var offset = 0
                while offset + SHA256.blockByteCount <= blocks.count {
                    for t in 0 ..< 16 {
                        w[t] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: offset &+ 4 &* t, as: UInt32.self))
                    }
                    for t in 16 ..< 64 {
                        let x = w[t &- 15]
                        let y = w[t &- 2]
                        let sigma0 = rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x &>> 3)
                        let sigma1 = rotateRight(y, 17) ^ rotateRight(y, 19) ^ (y &>> 10)
                        w[t] = w[t &- 16] &+ sigma0 &+ w[t &- 7] &+ sigma1
                    }

                    var a = s0, b = s1, c = s2, d = s3, e = s4, f = s5, g = s6, h = s7
                    for t in 0 ..< 64 {
                        let bigSigma1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
                        let choose = (e & f) ^ (~e & g)
                        let temp1 = h &+ bigSigma1 &+ choose &+ k[t] &+ w[t]
                        let bigSigma0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        let temp2 = bigSigma0 &+ majority
                        h = g
                        g = f
                        f = e
                        e = d &+ temp1
                        d = c
                        c = b
                        b = a
                        a = temp1 &+ temp2
                    }
                    s0 &+= a
                    s1 &+= b
                    s2 &+= c
                    s3 &+= d
                    s4 &+= e
                    s5 &+= f
                    s6 &+= g
                    s7 &+= h
                    offset &+= SHA256.blockByteCount
                }
            }
        }
        h0 = s0
        h1 = s1
        h2 = s2
        h3 = s3
        h4 = s4
        h5 = s5
        h6 = s6
        h7 = s7
    }

    /// Whether the processor's SHA extensions compress blocks (checked once per process); the
    /// portable Swift rounds below are used otherwise and produce the same digests.
    static let hardwareAvailable = pallet_sha256_hardware_available() == 1

    /// The 64 round constants, from the table the hardware rounds use too.
    private static let roundConstants = Array(UnsafeBufferPointer(start: pallet_sha256_round_constants(), count: 64))
}

/// Rotates a 32-bit word right by a constant amount in `1...31`.
@inline(__always)
private func rotateRight(_ value: UInt32, _ amount: UInt32) -> UInt32 {
    (value &>> amount) | (value &<< (32 &- amount))
}
