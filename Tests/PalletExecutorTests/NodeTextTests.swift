import Testing
@testable import PalletExecutor

/// ``NodeText``: the one escaping of node output, and ``LineSplitter``: bounded lines.
@Suite("node text escaping and bounded lines")
struct NodeTextTests {
    @Test("C0, DEL, C1, bidi controls and invalid UTF-8 are escaped visibly; printable text is kept; escaping twice changes nothing")
    func escapes() {
        let bytes: [UInt8] = Array("a\u{1B}]52;c;eA==\u{07}b\tc\r".utf8) + [0x7F, 0xC2, 0x9B, 0xE2, 0x80, 0xAE, 0xFF, 0xC3, 0xA9, 0xE2, 0x81, 0xA6]
            + [0xED, 0xA0, 0x80, 0xC0, 0xAF, 0xF0, 0x9F, 0x99] + Array("ok".utf8)
        let text = NodeText.escape(bytes)
        #expect(text == #"a\x1b]52;c;eA==\x07b\tc\r\x7f\u{9b}\u{202e}\xffé\u{2066}\xed\xa0\x80\xc0\xaf\xf0\x9f\x99ok"#)
        #expect(NodeText.escape(Array(text.utf8)) == text)
        #expect(NodeText.escape("plain ✓ text") == "plain ✓ text")
        #expect(NodeText.escape("two\nlines\u{2028}") == #"two\nlines\u{2028}"#)
    }

    @Test("a line longer than the limit is cut there and its full length counted; CR LF ends a line")
    func boundedLines() {
        var splitter = LineSplitter(maxLineBytes: 4)
        var lines: [LineSplitter.Line] = []
        let input = Array("ab\r\nabcdefgh\nxyz".utf8)
        input.withUnsafeBytes { buffer in
            splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<5])) { lines.append($0) }
            splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[5...])) { lines.append($0) }
        }
        splitter.end { lines.append($0) }
        #expect(lines.map(\.bytes) == [Array("ab".utf8), Array("abcd".utf8), Array("xyz".utf8)])
        #expect(lines.map(\.length) == [2, 8, 3])
        #expect(lines.map(\.cut) == [false, true, false])
    }
}
