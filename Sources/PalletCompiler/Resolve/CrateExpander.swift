import PalletSpec

/// An action with the resolver (variables) it is resolved with: a crate's actions see the
/// crate's parameters.
struct ScopedAction {
    var action: Action
    var resolver: ActionResolver
    /// Which crate use the action comes from, if any.
    var via: String? = nil

    /// The resolved step, naming the crate use it came from.
    func resolve() -> PlanStep? {
        resolver.resolve(action, via: via)
    }
}

/// A handler with the resolver its actions are resolved with.
struct ScopedHandler {
    var handler: Handler
    var resolver: ActionResolver
}

/// Replaces `- crate: NAME` items by the crate's actions for the phase, with the crate's
/// parameters (its defaults, overridden by `with:`) as variables over the group's.
struct CrateExpander {
    let specs: SpecSet
    let diagnostics: Diagnostics

    /// The deepest crates may use crates.
    static let depthLimit = 8

    /// Expands every crate use in `actions`, adding the crates' handlers to `handlers`.
    func expand(_ actions: [ScopedAction], phase: String, handlers: inout [ScopedHandler], depth: Int = 0) -> [ScopedAction] {
        var result: [ScopedAction] = []
        for item in actions {
            guard item.action.keyword == "crate" else {
                result.append(item)
                continue
            }
            guard depth < Self.depthLimit else {
                diagnostics.error(item.action.location, "crates use each other more than \(Self.depthLimit) deep (a cycle?)")
                continue
            }
            guard let (crate, resolver) = instantiate(item) else { continue }
            let contributions = crate.body.phases.filter { $0.name.value == phase }
            if contributions.isEmpty {
                let phases = crate.body.phases.map(\.name.value).joined(separator: ", ")
                diagnostics.error(item.action.location, "crate '\(crate.name.value)' has nothing for phase '\(phase)' (it has: \(phases))")
                continue
            }
            for handler in crate.body.handlers where !handlers.contains(where: { $0.handler.name.value == handler.name.value }) {
                handlers.append(ScopedHandler(handler: handler, resolver: resolver))
            }
            let use = "crate \(crate.name.value) used at \(item.action.location)" + (item.via.map { ", " + $0 } ?? "")
            let inner = contributions.flatMap(\.actions).map { ScopedAction(action: $0, resolver: resolver, via: use) }
            result += expand(inner, phase: phase, handlers: &handlers, depth: depth + 1)
        }
        return result
    }

    /// The crate a use names, and a resolver with its parameters bound.
    func instantiate(_ item: ScopedAction) -> (Crate, ActionResolver)? {
        guard case .text(let nameTemplate)? = item.action.options["name"], let name = nameTemplate.literalText else { return nil }
        guard let crate = specs.crate(named: name) else {
            let known = specs.crates.map(\.name.value) + specs.builtInCrates.map(\.name.value)
            diagnostics.error(item.action.location, "undefined crate '\(name)'\(Suggestion.hint(for: name, in: known))")
            return nil
        }
        var given: [Variable] = []
        if case .vars(let vars)? = item.action.options["with"] { given = vars }
        var givenSecrets: [(name: Located<String>, value: ValueSource)] = []
        if case .environment(let pairs)? = item.action.options["with-secrets"] { givenSecrets = pairs }
        var variables = item.resolver.scope.variables
        var secrets = item.resolver.scope.secrets
        var ok = true
        for (key, source) in givenSecrets {
            guard let parameter = crate.parameter(key.value), parameter.kind == .secret else {
                diagnostics.error(key.location, "crate '\(name)' has no secret parameter '\(key.value)'")
                ok = false
                continue
            }
            switch source {
            case .secret(let reference): secrets[key.value] = reference
            case .text: ok = false
            }
        }
        for value in given {
            if crate.parameter(value.name.value)?.kind == .secret {
                diagnostics.error(value.name.location, "parameter '\(value.name.value)' takes a secret: {secret: {env: NAME}} or {secret: {file: PATH}}")
                ok = false
                continue
            }
            guard let parameter = crate.parameter(value.name.value) else {
                let hint = Suggestion.hint(for: value.name.value, in: crate.parameters.map(\.name.value))
                diagnostics.error(value.name.location, "crate '\(name)' has no parameter '\(value.name.value)'\(hint)")
                ok = false
                continue
            }
            guard let template = Template.parse(value.value.value, at: value.value.location, diagnostics: diagnostics),
                  let text = item.resolver.scope.resolve(template) else {
                ok = false
                continue
            }
            guard let literal = text.literalText else {
                diagnostics.error(value.value.location, "a crate parameter cannot use node values such as {{ node.name }}")
                ok = false
                continue
            }
            if !check(literal, parameter, at: value.value.location) { ok = false }
            variables[parameter.name.value] = Variable(name: parameter.name, value: Located(literal, at: value.value.location))
        }
        for parameter in crate.parameters where !given.contains(where: { $0.name.value == parameter.name.value })
            && !givenSecrets.contains(where: { $0.name.value == parameter.name.value }) {
            guard let fallback = parameter.defaultValue else {
                diagnostics.error(item.action.location, "crate '\(name)' needs parameter '\(parameter.name.value)' (it has no default)")
                ok = false
                continue
            }
            variables[parameter.name.value] = Variable(name: parameter.name, value: Located(fallback, at: parameter.name.location))
        }
        guard ok else { return nil }
        var scope = item.resolver.scope.with(variables: variables)
        scope.secrets = secrets
        return (crate, ActionResolver(scope: scope))
    }

    /// Checks a parameter value against the parameter's kind.
    func check(_ value: String, _ parameter: Crate.Parameter, at location: SourceLocation) -> Bool {
        switch parameter.kind {
        case .text, .secret: return true
        case .integer:
            if Int(value) != nil { return true }
            diagnostics.error(location, "parameter '\(parameter.name.value)' must be an integer, found '\(value.debugEscaped)'")
        case .boolean:
            if value == "true" || value == "false" { return true }
            diagnostics.error(location, "parameter '\(parameter.name.value)' must be true or false, found '\(value.debugEscaped)'")
        }
        return false
    }
}
