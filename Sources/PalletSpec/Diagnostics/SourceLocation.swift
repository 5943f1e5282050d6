/// A place in a spec file: the file's project-relative path and a 1-based line and column.
///
/// Columns count characters (Unicode scalar values), not bytes, as libyaml does.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file's path relative to the project root, for example `specs/web.yaml`.
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column number, counted in characters.
    public var column: Int

    /// Creates a location from a file path and 1-based line and column numbers.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The location as `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// Orders locations by file, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
