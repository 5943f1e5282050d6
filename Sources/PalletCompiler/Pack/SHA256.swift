/// An incremental SHA-256 hasher (FIPS 180-4) written in pure Swift.
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

    /// Creates a hasher in the initial SHA-256 state.
    public init() {}

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
        self = SHA256()
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
        hex(digest(bytes))
    }

    /// Formats bytes as lowercase hexadecimal, two characters per byte.
    @usableFromInline
    static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
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

    /// The 64 round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

/// Rotates a 32-bit word right by a constant amount in `1...31`.
@inline(__always)
private func rotateRight(_ value: UInt32, _ amount: UInt32) -> UInt32 {
    (value &>> amount) | (value &<< (32 &- amount))
}
