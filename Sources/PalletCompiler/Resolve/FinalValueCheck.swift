import PalletSpec

/// Checks an action's values once `vars`, crate parameters and `{{ group }}` are filled in: every
/// rule a literal value meets at decoding (its kind's rule in ``ValueRules`` and the action's own
/// checks in ``ActionCatalog``) must hold for the final value too.
///
/// A value that holds a node value (`{{ node.name }}` and the like) is checked once for each set
/// of ``RuntimeValue/samples``, values a node can really have (such as a host `address` of `..`),
/// so a value that a node could turn into a bad one is refused at plan time. A bad final value is
/// reported at the value's place in the action, naming where its variables were defined.
struct FinalValueCheck {
    let scope: VariableScope
    /// Which crate use the action comes from, if any.
    let via: String?

    var diagnostics: Diagnostics { scope.diagnostics }

    /// Checks `action`; false when a final value breaks a rule (already reported).
    func check(_ action: Action) -> Bool {
        let schema = action.schema
        let substituted = action.options.values.filter { key, value in
            switch value {
            case .text(let template): return template.literalText == nil
            case .list(let templates): return templates.contains { $0.literalText == nil }
            default: return false
            }
        }
        guard !substituted.isEmpty else { return true }
        let usesNodeValues = substituted.values.contains { value in Self.templates(in: value).contains { template in
            template.variables.contains { RuntimeValue(rawValue: $0) != nil }
        } }
        let samples = usesNodeValues ? RuntimeValue.samples : [RuntimeValue.samples[0]]
        for sample in samples {
            var final = action.options
            var problems: [(key: String, location: SourceLocation?, message: String)] = []
            for key in substituted.keys.sorted() {
                guard let value = substituted[key], let spec = schema.option(key) else { continue }
                var literals: [Template] = []
                for template in Self.templates(in: value) {
                    guard let text = scope.resolve(template, charging: false)?.sampled(sample) else { return false }
                    if let problem = ValueRules.problem(with: text, kind: spec.kind, context: "'\(key)'") {
                        problems.append((key, template.location, problem))
                    }
                    literals.append(Template.literal(text, at: template.location))
                }
                if case .list = value { final.values[key] = .list(literals) } else if let first = literals.first { final.values[key] = .text(first) }
            }
            let (_, reported) = Diagnostics.collecting { local in schema.validate(final, local) }
            for diagnostic in reported where diagnostic.severity == .error {
                let key = action.options.values.keys.sorted().first { key in
                    action.options.keyLocations[key] == diagnostic.location
                        || action.options[key].map { Self.templates(in: $0).contains { $0.location == diagnostic.location } } == true
                }
                let isValue = key.flatMap { action.options[$0] }.map { Self.templates(in: $0).contains { $0.location == diagnostic.location } } == true
                problems.append((key ?? "", isValue ? diagnostic.location : nil, diagnostic.message))
            }
            guard problems.isEmpty else {
                for (key, location, message) in problems {
                    let place = location ?? action.options[key].flatMap { Self.templates(in: $0).first?.location } ?? action.options.location
                    diagnostics.error(place, message + origin(of: action, key: key, sample: sample))
                }
                return false
            }
        }
        return true
    }

    /// The templates of a text or list option.
    static func templates(in value: OptionValue) -> [Template] {
        switch value {
        case .text(let template): return [template]
        case .list(let templates): return templates
        default: return []
        }
    }

    /// Where the final value of `key` came from: each variable's definition, each node value's
    /// sample, and the crate use; every variable of the action when `key` is not known.
    func origin(of action: Action, key: String, sample: [RuntimeValue: String]) -> String {
        let values: [OptionValue] = action.options[key].map { [$0] } ?? action.options.values.keys.sorted().compactMap { action.options[$0] }
        var names: [String] = []
        for template in values.flatMap({ Self.templates(in: $0) }) {
            for name in template.variables where !names.contains(name) { names.append(name) }
        }
        var sources: [String] = []
        for name in names {
            if let runtime = RuntimeValue(rawValue: name) {
                sources.append("{{ \(name) }}, which a node fills in at run time and which can be '\(sample[runtime] ?? "")'")
            } else if name == "group" {
                sources.append("{{ group }}, the group's name '\(scope.group)'")
            } else if let variable = scope.variables[name] {
                sources.append("variable '\(name)' defined at \(variable.value.location) as '\(ValueRules.shortened(variable.value.value))'")
            }
        }
        guard !sources.isEmpty else { return "" }
        return " (after substitution: the value comes from " + sources.joined(separator: "; ")
            + (via.map { "; in " + $0 } ?? "") + ")"
    }
}
