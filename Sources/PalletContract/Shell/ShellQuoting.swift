/// Quotes words for bash so that they are always read back as exactly one literal word.
public enum ShellQuoting {
    /// Wraps `text` in single quotes, writing each `'` as `'\''`; the empty string is `''`.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// A comment-safe rendering of `text` on one line: control characters escaped.
    public static func commentText(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

extension String {
    /// The string with every `target` replaced by `replacement`, scanning UTF-8 bytes (no
    /// Foundation, and much faster than a generic substring search on long texts).
    package func replacingOccurrences(of target: String, with replacement: String) -> String {
        let needle = Array(target.utf8)
        guard let first = needle.first else { return self }
        var bytes = Array(utf8)
        guard bytes.contains(first) else { return self }
        let insert = Array(replacement.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        while index < count {
            if bytes[index] == first, index + needle.count <= count, bytes[index..<index + needle.count].elementsEqual(needle) {
                result += insert
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        bytes = result
        return String(decoding: bytes, as: UTF8.self)
    }
}
