import PalletContract
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

/// A phase or handler item with the resolver it is resolved with, and the crate use it comes
/// from, if any.
struct ScopedItem {
    var item: PhaseItem
    var resolver: ActionResolver
    var via: String? = nil
}

/// A handler with the resolver its actions are resolved with.
struct ScopedHandler {
    var handler: Handler
    var resolver: ActionResolver
}

/// Replaces crate uses by the crate's actions for the phase, with the crate's parameters (its
/// defaults, overridden by `with:`) as variables over the group's.
struct CrateExpander {
    let specs: SpecSet
    let diagnostics: Diagnostics

    /// The deepest crates may use crates.
    static let depthLimit = 8

    /// Expands every crate use in `items`, adding the crates' handlers to `handlers`.
    func expand(_ items: [ScopedItem], phase: PhaseName, handlers: inout [ScopedHandler], depth: Int = 0) -> [ScopedAction] {
        var result: [ScopedAction] = []
        for scoped in items {
            let use: CrateUse
            switch scoped.item {
            case .action(let action):
                result.append(ScopedAction(action: action, resolver: scoped.resolver, via: scoped.via))
                continue
            case .crateUse(let crateUse):
                use = crateUse
            }
            guard depth < Self.depthLimit else {
                diagnostics.error(use.location, "crates use each other more than \(Self.depthLimit) deep (a cycle?)")
                continue
            }
            guard let (crate, resolver) = instantiate(use, resolver: scoped.resolver) else { continue }
            let contributions = crate.body.phases.filter { $0.name.value == phase.rawValue }
            if contributions.isEmpty {
                let phases = crate.body.phases.map(\.name.value).joined(separator: ", ")
                diagnostics.error(use.location, "crate '\(crate.name.value)' has nothing for phase '\(phase)' (it has: \(phases))")
                continue
            }
            for handler in crate.body.handlers where !handlers.contains(where: { $0.handler.name.value == handler.name.value }) {
                handlers.append(ScopedHandler(handler: handler, resolver: resolver))
            }
            let via = "crate \(crate.name.value) used at \(use.location)" + (scoped.via.map { ", " + $0 } ?? "")
            let inner = contributions.flatMap(\.items).map { ScopedItem(item: $0, resolver: resolver, via: via) }
            result += expand(inner, phase: phase, handlers: &handlers, depth: depth + 1)
        }
        return result
    }

    /// The crate `use` names, and a resolver over `outer` with its parameters bound.
    func instantiate(_ use: CrateUse, resolver outer: ActionResolver) -> (Crate, ActionResolver)? {
        let name = use.name.value
        guard let crate = specs.crate(named: name) else {
            let known = specs.crates.map(\.name.value) + specs.builtInCrates.map(\.name.value)
            diagnostics.error(use.location, "undefined crate '\(name)'\(Suggestion.hint(for: name, in: known))")
            return nil
        }
        var variables = outer.scope.variables
        var secrets = outer.scope.secrets
        var ok = true
        for secret in use.secrets {
            guard let parameter = crate.parameter(secret.name.value), parameter.kind == .secret else {
                diagnostics.error(secret.name.location, "crate '\(name)' has no secret parameter '\(secret.name.value)'")
                ok = false
                continue
            }
            secrets[secret.name.value] = secret.reference
        }
        for value in use.values {
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
                  let text = outer.scope.resolve(template) else {
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
        for parameter in crate.parameters where !use.values.contains(where: { $0.name.value == parameter.name.value })
            && !use.secrets.contains(where: { $0.name.value == parameter.name.value }) {
            guard let fallback = parameter.defaultValue else {
                diagnostics.error(use.location, "crate '\(name)' needs parameter '\(parameter.name.value)' (it has no default)")
                ok = false
                continue
            }
            variables[parameter.name.value] = Variable(name: parameter.name, value: Located(fallback, at: parameter.name.location))
        }
        guard ok else { return nil }
        var scope = outer.scope.with(variables: variables)
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
