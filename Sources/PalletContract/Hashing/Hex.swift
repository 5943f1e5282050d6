/// The one hexadecimal encoder of pallet: digests in plan.json and MANIFEST, and escaped bytes
/// of node output, are all written with it.
public enum Hex {
    /// The sixteen lowercase digits, as UTF-8 bytes.
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Returns `bytes` as lowercase hexadecimal, two characters per byte, most significant digit first.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Returns one byte as two lowercase hexadecimal characters, for example `0a` for 10.
    public static func encode(_ byte: UInt8) -> String {
        encode(CollectionOfOne(byte))
    }
}
