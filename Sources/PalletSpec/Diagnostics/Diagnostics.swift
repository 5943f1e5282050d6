/// Collects every diagnostic of one compile run, so that all problems are reported at once.
public final class Diagnostics {
    /// The diagnostics in the order they were reported.
    public private(set) var all: [Diagnostic] = []
    /// The errors recorded, to find a repeated one without scanning `all` (which made many
    /// errors quadratic).
    private var errors: Set<Diagnostic> = []

    /// Creates an empty collection.
    public init() {}

    /// Whether any error has been reported.
    public var hasErrors: Bool { !errors.isEmpty }

    /// The number of errors reported (notes excluded).
    public var errorCount: Int { errors.count }

    /// Records an error at a location; the same error at the same place is recorded once.
    public func error(_ location: SourceLocation, _ message: String) {
        let diagnostic = Diagnostic(.error, at: location, message)
        guard errors.insert(diagnostic).inserted else { return }
        all.append(diagnostic)
    }

    /// Records a note at a location; notes follow the error they explain.
    public func note(_ location: SourceLocation, _ message: String) {
        all.append(Diagnostic(.note, at: location, message))
    }

    /// Runs `body` with a fresh collection and returns its result with what it reported: for
    /// work done on another thread, whose diagnostics are then recorded in order with
    /// ``record(_:)``.
    public static func collecting<Value>(_ body: (Diagnostics) -> Value) -> (Value, [Diagnostic]) {
        let local = Diagnostics()
        let value = body(local)
        return (value, local.all)
    }

    /// Records `others` in order, as if each had been reported here (a repeated error is
    /// recorded once).
    public func record(_ others: [Diagnostic]) {
        for diagnostic in others {
            switch diagnostic.severity {
            case .error: error(diagnostic.location, diagnostic.message)
            case .note: note(diagnostic.location, diagnostic.message)
            }
        }
    }

    /// The diagnostics sorted by place, each note kept right after its error.
    public var sorted: [Diagnostic] {
        var groups: [[Diagnostic]] = []
        for diagnostic in all {
            if diagnostic.severity == .note, !groups.isEmpty {
                groups[groups.count - 1].append(diagnostic)
            } else {
                groups.append([diagnostic])
            }
        }
        let ordered = groups.enumerated().sorted { lhs, rhs in
            let (l, r) = (lhs.element[0].location, rhs.element[0].location)
            return l == r ? lhs.offset < rhs.offset : l < r
        }
        return ordered.flatMap(\.element)
    }
}
