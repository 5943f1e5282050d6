/// One problem found in the specs, tied to the place it was found.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable {
        /// The specs cannot be compiled.
        case error
        /// Extra information attached to the diagnostic before it, such as a second place.
        case note
    }

    /// Where the problem is.
    public var location: SourceLocation
    /// Whether this is an error or a note.
    public var severity: Severity
    /// What is wrong, in one sentence without a trailing period.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity = .error, at location: SourceLocation, _ message: String) {
        self.location = location
        self.severity = severity
        self.message = message
    }

    /// The diagnostic as `file:line:column: error: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
