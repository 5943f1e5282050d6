/// Reads typed values out of YAML nodes, reporting every type mismatch at its location.
///
/// Each accessor returns nil after reporting a problem, so decoding goes on and all problems
/// of a run are reported together.
public struct FieldReader {
    /// Where problems are reported.
    public let diagnostics: Diagnostics

    /// Creates a reader reporting to `diagnostics`.
    public init(diagnostics: Diagnostics) {
        self.diagnostics = diagnostics
    }

    /// Reads a mapping whose keys must come from `allowed` (any key when nil); an unknown key
    /// found in `familiar` gets that hint (see ``MappingFields``).
    public func fields(_ node: YAMLNode, allowed: [String]?, familiar: [String: String] = [:], context: String) -> MappingFields? {
        guard case .mapping(let pairs) = node.content else {
            if node.isNull {
                return MappingFields(node: node, pairs: [], allowed: allowed, familiar: familiar, context: context, diagnostics: diagnostics)
            }
            diagnostics.error(node.location, "\(context) must be a mapping, found \(node.kindDescription)")
            return nil
        }
        return MappingFields(node: node, pairs: pairs, allowed: allowed, familiar: familiar, context: context, diagnostics: diagnostics)
    }

    /// Reads a list; a null value is an empty list.
    public func list(_ node: YAMLNode, context: String) -> [YAMLNode]? {
        if node.isNull { return [] }
        guard case .sequence(let items) = node.content else {
            diagnostics.error(node.location, "\(context) must be a list, found \(node.kindDescription)")
            return nil
        }
        return items
    }

    /// Reads any non-null scalar as text.
    public func string(_ node: YAMLNode, context: String) -> Located<String>? {
        guard case .scalar(let text, _) = node.content, !node.isNull else {
            diagnostics.error(node.location, "\(context) must be a string, found \(node.kindDescription)")
            return nil
        }
        return Located(text, at: node.location)
    }

    /// Reads a string that must be a name: letters, digits, `.`, `_` and `-`, starting with a
    /// letter or digit. Names become directory names and shell words, so nothing else is allowed.
    public func name(_ node: YAMLNode, context: String) -> Located<String>? {
        guard let text = string(node, context: context) else { return nil }
        return checkName(text, context: context) ? text : nil
    }

    /// Checks that a mapping key or other text is a valid name, reporting it when not.
    public func checkName(_ text: Located<String>, context: String) -> Bool {
        guard NameRules.isValidName(text.value) else {
            diagnostics.error(text.location, "\(context) '\(text.value.debugEscaped)' is not a valid name: "
                + "use letters, digits, '.', '_' and '-', starting with a letter or digit")
            return false
        }
        return true
    }

    /// Reads a plain integer scalar.
    public func integer(_ node: YAMLNode, context: String) -> Located<Int>? {
        if case .scalar(let text, plain: true) = node.content, let value = Int(text) {
            return Located(value, at: node.location)
        }
        diagnostics.error(node.location, "\(context) must be an integer, found \(node.describedValue)")
        return nil
    }

    /// Reads a plain `true` or `false`.
    public func boolean(_ node: YAMLNode, context: String) -> Located<Bool>? {
        if case .scalar(let text, plain: true) = node.content {
            switch text {
            case "true", "True", "TRUE": return Located(true, at: node.location)
            case "false", "False", "FALSE": return Located(false, at: node.location)
            default: break
            }
        }
        diagnostics.error(node.location, "\(context) must be true or false, found \(node.describedValue)")
        return nil
    }

    /// Reads a list of strings, or a single string as a one-item list.
    public func stringList(_ node: YAMLNode, context: String) -> [Located<String>]? {
        if case .scalar = node.content, !node.isNull {
            return string(node, context: context).map { [$0] }
        }
        guard let items = list(node, context: context) else { return nil }
        return items.compactMap { string($0, context: "an item of \(context)") }
    }

    /// Reads a list of names, or a single name as a one-item list.
    public func nameList(_ node: YAMLNode, context: String) -> [Located<String>]? {
        if case .scalar = node.content, !node.isNull {
            return name(node, context: context).map { [$0] }
        }
        guard let items = list(node, context: context) else { return nil }
        return items.compactMap { name($0, context: "an item of \(context)") }
    }

    /// Reads one of a fixed set of words.
    public func choice(_ node: YAMLNode, _ choices: [String], context: String) -> Located<String>? {
        guard let text = string(node, context: context) else { return nil }
        guard choices.contains(text.value) else {
            let hint = Suggestion.hint(for: text.value, in: choices)
            let listed = choices.map { "'\($0)'" }.joined(separator: ", ")
            diagnostics.error(node.location, "\(context) must be one of \(listed), found '\(text.value.debugEscaped)'\(hint)")
            return nil
        }
        return text
    }

    /// Reads a template string: text that may hold `{{ var }}` references.
    public func template(_ node: YAMLNode, context: String) -> Template? {
        guard let text = string(node, context: context) else { return nil }
        return Template.parse(text.value, at: text.location, diagnostics: diagnostics)
    }
}

extension YAMLNode {
    /// The node's value for messages: quoted text for a scalar, its kind otherwise.
    var describedValue: String {
        if case .scalar(let text, _) = content, !isNull { return "'\(text.debugEscaped)'" }
        return kindDescription
    }
}

extension String {
    /// The string with control characters escaped, safe to print inside one diagnostic line.
    public var debugEscaped: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
