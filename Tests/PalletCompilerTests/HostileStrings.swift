/// Strings built to break careless shell generation: quotes, command substitution, backticks,
/// newlines, leading dashes, spaces, globs, backslashes and non-ASCII. None holds a NUL.
enum HostileStrings {
    static let all: [String] = [
        "it's \"quoted\"",
        "$(touch /opt/pallet-pwned-1)",
        "`touch /opt/pallet-pwned-2`",
        "line one\nline two\n",
        "-rf",
        "--help",
        "two  spaces and\ttab",
        "*",
        "?[ab]{c,d}",
        "ünïcødé ✓ 日本",
        "back\\slash \\n \\'",
        "$HOME ${PATH} $1 $@ $$",
        ";touch /opt/pallet-pwned-3;",
        "a|b&c>d<e",
        "'",
        "\"",
        " leading and trailing ",
        "\r\ncrlf",
        "PALLET_SCRIPT",
        "!event !! ^x^y",
    ]

    /// `text` as a YAML double-quoted scalar.
    static func yaml(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A file-name component made from `text`: no `/`, never empty, `.` or `..`.
    static func component(_ text: String, index: Int) -> String {
        let cleaned = String(text.unicodeScalars.filter { $0 != "/" }.map(Character.init))
        return "\(index)-" + cleaned
    }
}
