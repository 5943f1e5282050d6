/// Strings built to break careless shell generation: quotes, command substitution, backticks,
/// newlines, leading dashes, spaces, globs, backslashes and non-ASCII. None holds a NUL.
public enum HostileStrings {
    public static let all: [String] = [
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
    public static func yaml(_ text: String) -> String {
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
    public static func component(_ text: String, index: Int) -> String {
        let cleaned = String(text.unicodeScalars.filter { $0 != "/" }.map(Character.init))
        return "\(index)-" + cleaned
    }

    /// Specs that put every hostile string into file paths, file contents, exec scripts, exec
    /// environments and names of steps.
    public static func specs() -> String {
        var actions = [
            "        - exec: {script: \"mkdir -p /opt/pallet-hostile\", creates: /opt/pallet-hostile}",
        ]
        for (index, text) in HostileStrings.all.enumerated() {
            let path = "/opt/pallet-hostile/" + HostileStrings.component(text, index: index)
            actions.append("        - file: {path: \(HostileStrings.yaml(path)), content: \(HostileStrings.yaml(text)), mode: \"0640\"}")
            actions.append("          name: \(HostileStrings.yaml(text))")
        }
        for (index, text) in HostileStrings.all.enumerated() {
            let script = "# \(text)\nprintf '%s' \"$HOSTILE\" > /opt/pallet-hostile/env-\(index)\n"
            actions.append("        - exec:")
            actions.append("            script: \(HostileStrings.yaml(script))")
            actions.append("            creates: /opt/pallet-hostile/env-\(index)")
            actions.append("            environment: {HOSTILE: \(HostileStrings.yaml(text))}")
        }
        let heredoc = "cat > /opt/pallet-hostile/heredoc <<'END'\nPALLET_SCRIPT\nEND\n"
        actions.append("        - exec: {script: \(HostileStrings.yaml(heredoc)), creates: /opt/pallet-hostile/heredoc}")
        return hostsPreamble + """
            groups:
              g:
                service: lab
                phases:
                  configure:

            """ + actions.joined(separator: "\n") + "\n"
    }
}
