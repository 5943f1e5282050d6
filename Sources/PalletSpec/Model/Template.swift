/// Text that may refer to variables as `{{ name }}`.
///
/// Variables from `vars:` are replaced when the plan is compiled; `{{ node.name }}`,
/// `{{ node.index }}`, `{{ node.address }}` and `{{ group }}` stay for the node to fill in at run
/// time. `{{` can be written literally as `{{ '{{' }}`.
public struct Template: Sendable, Hashable {
    /// One piece of a template.
    public enum Part: Sendable, Hashable {
        /// Literal text.
        case literal(String)
        /// A variable reference by name.
        case variable(String)
    }

    /// The variables a node fills in at run time.
    public static let runtimeVariables = ["node.name", "node.index", "node.address", "group"]

    /// The parts in order.
    public var parts: [Part]
    /// Where the template was written.
    public var location: SourceLocation

    /// Creates a template from parts.
    public init(parts: [Part], at location: SourceLocation) {
        self.parts = parts
        self.location = location
    }

    /// A template with no variables.
    public static func literal(_ text: String, at location: SourceLocation) -> Template {
        Template(parts: text.isEmpty ? [] : [.literal(text)], at: location)
    }

    /// The text with variable references written back as `{{ name }}`, for messages and plans.
    public var source: String {
        parts.map { part in
            switch part {
            case .literal(let text): return text
            case .variable(let name): return "{{ \(name) }}"
            }
        }.joined()
    }

    /// The literal text when the template holds no variable, else nil.
    public var literalText: String? {
        var text = ""
        for part in parts {
            guard case .literal(let piece) = part else { return nil }
            text += piece
        }
        return text
    }

    /// The names of the variables referred to.
    public var variables: [String] {
        parts.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// Parses `text`, reporting malformed references.
    public static func parse(_ text: String, at location: SourceLocation, diagnostics: Diagnostics) -> Template? {
        // Most text has no reference at all: find that out with a plain byte scan.
        var previous: UInt8 = 0
        var hasOpening = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "{"), previous == UInt8(ascii: "{") {
                hasOpening = true
                break
            }
            previous = byte
        }
        if !hasOpening { return Template.literal(text, at: location) }
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            literal += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                diagnostics.error(location, "'{{' without a closing '}}' in '\(text.debugEscaped)'")
                return nil
            }
            let inner = afterOpen[..<close.lowerBound].trimmingSpaces
            if inner == "'{{'" {
                literal += "{{"
            } else if isVariableName(inner) {
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.variable(String(inner)))
            } else {
                diagnostics.error(location, "'{{ \(String(inner).debugEscaped) }}' is not a variable reference; "
                    + "names use letters, digits, '_', '-' and '.'")
                return nil
            }
            rest = afterOpen[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return Template(parts: parts, at: location)
    }

    static func isVariableName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, (first.isASCII && first.properties.isAlphabetic) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.".unicodeScalars.contains($0) }
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
