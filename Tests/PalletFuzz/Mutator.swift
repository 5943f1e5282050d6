import PalletTestSupport

/// Turns a seed spec file into a broken variant: byte flips, YAML punctuation, hostile scalars,
/// deleted and repeated ranges, lines spliced from other seeds.
struct Mutator {
    /// Fragments that matter to YAML, to templates and to the shell.
    static let tokens: [String] = [
        ":", ": ", "- ", "-", "{", "}", "[", "]", ",", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "? ", "|", ">-", "#", "\"", "'",
        "\n", "\n  ", "\t", "  ", "---\n", "...\n", "%YAML 1.2\n", "{{", "}}", "{{ node.name }}", "{{ nope }}", "{{ group }}",
        "$(id)", "`id`", "${HOME}", "\\", "'\\''", "\r\n", "~", "null", "true", "0x1F", "1e400", "-1", "99999999999999999999",
        "0o777", "\"0644\"", "../", "/etc/passwd", "-oProxyCommand=id", "--", "*", "?", "é", "\u{202E}", "\u{FEFF}",
        "extends: [", "after: [", "count: ", "phases:\n  configure:\n    - ", "crate: ", "with: {", "secret: {env: X}",
        "file: {path: /x, content: y}", "exec: {script: z}", "packages: [a]", "user: {name: u}",
    ]

    /// Byte sequences that are not UTF-8, and a NUL.
    static let badBytes: [[UInt8]] = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00], [0xC0, 0xAF]]

    var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// One to four mutations of `input`; `others` are the seeds lines may be spliced from.
    mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            bytes = mutateOnce(bytes, others: others)
        }
        return bytes.count > 1 << 20 ? Array(bytes.prefix(1 << 20)) : bytes
    }

    private mutating func mutateOnce(_ bytes: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = bytes
        let position = random.below(bytes.count + 1)
        switch random.below(9) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
        case 1:
            bytes.insert(contentsOf: Array(Self.tokens[random.below(Self.tokens.count)].utf8), at: position)
        case 2 where !bytes.isEmpty:
            let end = min(bytes.count, position + 1 + random.below(64))
            bytes.removeSubrange(min(position, end)..<end)
        case 3 where !bytes.isEmpty:
            let start = min(position, bytes.count - 1)
            let end = min(bytes.count, start + 1 + random.below(200))
            let slice = Array(bytes[start..<end])
            for _ in 0...random.below(3) { bytes.insert(contentsOf: slice, at: random.below(bytes.count + 1)) }
        case 4:
            bytes.insert(contentsOf: Self.badBytes[random.below(Self.badBytes.count)], at: position)
        case 5 where !others.isEmpty:
            let other = others[random.below(others.count)]
            let lines = other.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if !lines.isEmpty {
                let line = Array(lines[random.below(lines.count)]) + [UInt8(ascii: "\n")]
                let at = lineStart(in: bytes, near: position)
                bytes.insert(contentsOf: line, at: at)
            }
        case 6:
            // Swap two lines: indentation and order change meaning in YAML.
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            if lines.count > 1 {
                lines.swapAt(random.below(lines.count), random.below(lines.count))
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            }
        case 7:
            // Replace a scalar after ": " with a hostile one.
            if let colon = firstIndex(of: Array(": ".utf8), in: bytes, from: position) {
                let valueStart = colon + 2
                var valueEnd = valueStart
                while valueEnd < bytes.count, bytes[valueEnd] != UInt8(ascii: "\n"), bytes[valueEnd] != UInt8(ascii: ",") { valueEnd += 1 }
                bytes.replaceSubrange(valueStart..<valueEnd, with: Array(Self.tokens[random.below(Self.tokens.count)].utf8))
            }
        default:
            // Re-indent a line by a random amount.
            let at = lineStart(in: bytes, near: position)
            bytes.insert(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: 1 + random.below(6)), at: at)
        }
        return bytes
    }

    private func lineStart(in bytes: [UInt8], near position: Int) -> Int {
        var index = min(position, bytes.count)
        while index > 0, bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
        return index
    }

    private func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = min(start, bytes.count - needle.count)
        while index + needle.count <= bytes.count {
            if Array(bytes[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
