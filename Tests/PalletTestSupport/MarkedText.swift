import Foundation

/// Spec text with named markers such as `⟨key⟩` placed where a diagnostic should point, so a test
/// states a location by putting it in the text rather than by counting lines and columns.
///
/// `MarkedText("groups:\n  g: {⟨count⟩count: -1}\n")` has the text `groups:\n  g: {count: -1}\n`
/// and `["count"]` is `"2:7"`: 1-based line and column, columns counted in Unicode scalars as the
/// YAML loader counts them. A marker is `⟨`, a name without `⟩` or a line break, then `⟩`.
public struct MarkedText: Sendable {
    /// The text with every marker removed, as it is written to a file.
    public let text: String
    /// The line and column of each marker in `text`.
    private let marks: [String: (line: Int, column: Int)]
    /// Names that mark more than one place, which makes the marker meaningless.
    private let repeated: Set<String>

    /// Strips the markers of `marked` and records where each one was.
    public init(_ marked: String) {
        var text = ""
        var marks: [String: (line: Int, column: Int)] = [:]
        var repeated: Set<String> = []
        var place = (line: 1, column: 1)
        var rest = Substring(marked)
        while let open = rest.range(of: "⟨") {
            let before = rest[..<open.lowerBound]
            place = Self.advance(place, over: before)
            text += before
            let tail = rest[open.upperBound...]
            guard let close = tail.range(of: "⟩"), !tail[..<close.lowerBound].unicodeScalars.contains("\n") else {
                // Not a marker: the bracket is text.
                text += "⟨"
                place.column += 1
                rest = tail
                continue
            }
            let name = String(tail[..<close.lowerBound])
            if marks[name] != nil { repeated.insert(name) }
            marks[name] = place
            rest = tail[close.upperBound...]
        }
        text += rest
        self.text = text
        self.marks = marks
        self.repeated = repeated
    }

    /// The place just after `segment` when it starts at `place`.
    private static func advance(_ place: (line: Int, column: Int), over segment: Substring) -> (line: Int, column: Int) {
        let scalars = segment.unicodeScalars
        guard let lastNewline = scalars.lastIndex(of: "\n") else {
            return (place.line, place.column + scalars.count)
        }
        let newlines = segment.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        return (place.line + newlines, scalars[scalars.index(after: lastNewline)...].count + 1)
    }

    /// `LINE:COLUMN` of the marker `name`; a text that no diagnostic carries (`?name?`) when the
    /// marker is missing or repeated, so the test fails and says which marker is wrong.
    public subscript(_ name: String) -> String {
        guard let mark = marks[name], !repeated.contains(name) else { return "?\(name)?" }
        return "\(mark.line):\(mark.column)"
    }

    /// `FILE:LINE:COLUMN` of the marker `name`, as a diagnostic starts.
    public func at(_ name: String, in file: String) -> String {
        file + ":" + self[name]
    }
}
