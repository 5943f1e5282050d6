import PalletContract

/// The one place where bytes a node sent become text pallet shows: on the terminal, in the
/// recap, in the logs and in the JSON report. Every line read from ssh goes through
/// ``escape(_:)`` before anything else looks at it, so no control character or escape sequence
/// a node sends ever reaches the operator's terminal (OSC 52 clipboard writes, cursor moves,
/// title changes) and no bidi override reorders what the operator reads.
///
/// Escaped, visibly: C0 controls (`\t`, `\r`, `\n`, the others as `\x1b`), DEL (`\x7f`), C1
/// controls (`\u{9b}`), the bidi embeddings, overrides and isolates (U+202A-U+202E,
/// U+2066-U+2069), the marks U+061C, U+200E and U+200F, the line and paragraph separators
/// U+2028 and U+2029, and every byte that is not part of valid UTF-8 (`\xff`). The result
/// holds no character that ``escape(_:)`` changes, so escaping twice is the same as once.
public enum NodeText {
    /// `bytes` (one line, without its newline) as text that is safe to show.
    public static func escape(_ bytes: [UInt8]) -> String {
        // Plain printable ASCII, by far the common case, is copied as it is.
        let plain = bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer where byte < 0x20 || byte >= 0x7F { return false }
            return true
        }
        if plain { return String(decoding: bytes, as: UTF8.self) }
        var text = ""
        text.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            if let (scalar, length) = scalar(in: bytes, at: index) {
                append(scalar, to: &text)
                index += length
            } else {
                text += hex(bytes[index])
                index += 1
            }
        }
        return text
    }

    /// `text` with every character ``escape(_:)`` would escape shown escaped (for text that
    /// mixes pallet's own words with what a node sent, such as an error message).
    public static func escape(_ text: String) -> String {
        text.unicodeScalars.contains(where: needsEscape) ? escape(Array(text.utf8)) : text
    }

    /// The valid UTF-8 scalar starting at `index` and its length in bytes, or nil when the bytes
    /// there are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
    static func scalar(in bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return nil }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return Unicode.Scalar(value).map { ($0, length) }
    }

    /// Whether `scalar` is shown escaped.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func append(_ scalar: Unicode.Scalar, to text: inout String) {
        guard needsEscape(scalar) else {
            text.unicodeScalars.append(scalar)
            return
        }
        switch scalar.value {
        case 0x09: text += "\\t"
        case 0x0A: text += "\\n"
        case 0x0D: text += "\\r"
        case 0x00...0x1F, 0x7F: text += hex(UInt8(scalar.value))
        default: text += "\\u{" + String(scalar.value, radix: 16) + "}"
        }
    }

    static func hex(_ byte: UInt8) -> String {
        "\\x" + Hex.encode(byte)
    }
}
