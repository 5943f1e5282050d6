/// Quotes words for bash so that they are always read back as exactly one literal word.
public enum ShellQuoting {
    /// Wraps `text` in single quotes, writing each `'` as `'\''`; the empty string is `''`.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Quotes shell text: literal pieces in single quotes, run-time values as `"${VAR}"`.
    public static func quote(_ text: ShellText) -> String {
        if text.pieces.isEmpty { return "''" }
        return text.pieces.map { piece in
            switch piece {
            case .literal(let literal): return quote(literal)
            case .runtime(let value): return "\"${\(value.variable)}\""
            }
        }.joined()
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
    /// The string with every `target` replaced by `replacement` (no Foundation needed).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
