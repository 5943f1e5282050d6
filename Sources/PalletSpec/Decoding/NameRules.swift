/// The rules for names that end up as file names, shell words or command arguments.
public enum NameRules {
    /// Whether `text` is a valid spec name: ASCII letters, digits, `.`, `_`, `-`, starting with a
    /// letter or digit, at most 64 characters.
    public static func isValidName(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 64 else { return false }
        guard isAlphanumeric(first) else { return false }
        return text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// Whether `text` is a valid project name: 1 to 32 lowercase ASCII letters, digits and `-`,
    /// starting with a letter. It becomes part of VirtualBox VM names and their identity.
    public static func isValidProject(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 32, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return text.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether `text` is a valid Debian or RPM package name, optionally pinned as `name=version`.
    ///
    /// Names start with a letter or digit and hold letters, digits, `+`, `-`, `.` and `_`;
    /// a version holds letters, digits and `.+-~:_`.
    public static func isValidPackage(_ text: String) -> Bool {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, let first = name.utf8.first, isAlphanumeric(first) else { return false }
        guard name.utf8.allSatisfy({ isAlphanumeric($0) || "+-._".utf8.contains($0) }) else { return false }
        if parts.count == 2 {
            let version = parts[1]
            guard let head = version.utf8.first, isAlphanumeric(head) else { return false }
            return version.utf8.allSatisfy { isAlphanumeric($0) || ".+-~:_".utf8.contains($0) }
        }
        return true
    }

    /// Whether `text` is a valid user or group name as useradd accepts by default
    /// (`[a-z_][a-z0-9_.-]*`, optionally ending in `$`, at most 32 characters), or a numeric id.
    public static func isValidAccount(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 32 else { return false }
        if text.utf8.allSatisfy(isDigit) { return true }
        guard isLowerOrUnderscore(first) else { return false }
        let body = text.hasSuffix("$") ? text.utf8.dropLast() : text.utf8.dropLast(0)
        return body.allSatisfy { isLowerOrUnderscore($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    /// Whether `text` is an absolute path without NUL and without empty, `.` or `..` components.
    ///
    /// Components are split and compared over UTF-8 bytes, never over grapheme clusters: a `/`
    /// followed by a combining mark is still a separator, and `..` followed by one is still `..`
    /// to the kernel.
    public static func isCleanAbsolutePath(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/"), !bytes.contains(0) else { return false }
        if bytes.count == 1 { return true }
        let dot = UInt8(ascii: ".")
        return bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { component in
            !component.isEmpty && !component.elementsEqual([dot]) && !component.elementsEqual([dot, dot])
        }
    }

    /// Whether `text` is an `http://` or `https://` URL with a host, made only of the characters
    /// RFC 3986 allows (letters, digits and `-._~:/?#[]@!$&'()*+,;=%`): no space, quote,
    /// backslash, brace or control character can end the value early in a configuration file
    /// such as apt's `Acquire::http::Proxy "URL";`.
    public static func isValidURL(_ text: String) -> Bool {
        let rest: Substring.UTF8View
        if text.hasPrefix("https://") {
            rest = text.utf8.dropFirst(8)
        } else if text.hasPrefix("http://") {
            rest = text.utf8.dropFirst(7)
        } else {
            return false
        }
        guard let first = rest.first, first != UInt8(ascii: "/") else { return false }
        return text.utf8.allSatisfy(isURLByte)
    }

    /// Whether `byte` may appear in a URL as RFC 3986 writes one.
    public static func isURLByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "-._~:/?#[]@!$&'()*+,;=%".utf8.contains(byte)
    }

    /// Whether `text` is a host address: a DNS name (labels of letters, digits, `-` and `_`, none
    /// empty and none starting with `-`), an IPv4 literal, or an IPv6 literal (hex digits, `:` and
    /// `.`), at most 253 bytes. Nothing ssh could take for an option, and no `..` that could climb
    /// out of a folder when the address is used in a path.
    public static func isValidAddress(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        if bytes.contains(UInt8(ascii: ":")) {
            return bytes.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
                && !bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: true).contains { $0.count > 4 && !$0.contains(UInt8(ascii: ".")) }
        }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, label.count <= 63, first != UInt8(ascii: "-") else { return false }
            return label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        }
    }

    /// Whether `text` is a file mode written in octal, such as `0644` or `755`.
    public static func isValidMode(_ text: String) -> Bool {
        (3...4).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    private static func isLowerOrUnderscore(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
