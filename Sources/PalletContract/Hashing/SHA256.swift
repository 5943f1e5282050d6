import Crypto

/// An incremental SHA-256 hasher (FIPS 180-4), backed by swift-crypto.
///
/// Feed data with `update(_:)` as many times as needed and call ``finalize()`` to obtain
/// the 32-byte digest. For one-shot hashing use ``digest(_:)`` or ``hexDigest(_:)``.
///
/// The hasher is a value type: copying it forks the hashing state, which makes it cheap
/// to compute digests of several inputs that share a common prefix.
public struct SHA256 {
    /// The size of a SHA-256 digest in bytes.
    public static let digestByteCount = 32

    /// The swift-crypto hash function that does the work.
    private var function = Crypto.SHA256()

    /// Creates a hasher in the initial SHA-256 state.
    public init() {}

    /// Feeds the bytes of a sequence into the hash.
    ///
    /// Sequences with contiguous storage, such as `[UInt8]`, `ArraySlice<UInt8>`, `Data`,
    /// `UnsafeRawBufferPointer` and native `String.UTF8View`, are hashed directly from their
    /// storage; other sequences are gathered into 4 KiB chunks first.
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

    /// Feeds the bytes in a raw memory buffer into the hash, without copying them.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        function.update(bufferPointer: buffer)
    }

    /// Returns the 32-byte digest of everything fed so far and resets the hasher to its initial state.
    public mutating func finalize() -> [UInt8] {
        let digest = function.finalize()
        function = Crypto.SHA256()
        return Array(digest)
    }

    /// Returns the 32-byte SHA-256 digest of a byte sequence.
    public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of a byte sequence as 64 lowercase hexadecimal characters.
    public static func hexDigest(_ bytes: some Sequence<UInt8>) -> String {
        Hex.encode(digest(bytes))
    }
}
