import PalletContract
import PalletSpec

/// Gathers a chain's phase contributions into bundles: `pre-X`, then `X`, then `post-X`, each in
/// chain order; `bootstrap` and `configure` first, other phases in order of first appearance.
struct PhaseAssembler {
    let chain: SpecChain
    let group: String
    let resolver: ActionResolver
    let diagnostics: Diagnostics
    let crates: CrateExpander

    /// The base phase a contribution name belongs to, and its slot (0 pre, 1 main, 2 post).
    static func slot(of name: String) -> (base: PhaseName, slot: Int) {
        if name.hasPrefix("pre-"), name.count > 4 { return (PhaseName(String(name.dropFirst(4))), 0) }
        if name.hasPrefix("post-"), name.count > 5 { return (PhaseName(String(name.dropFirst(5))), 2) }
        return (PhaseName(name), 1)
    }

    /// The bundles of the group.
    func assemble() -> [BundlePlan] {
        var order: [PhaseName] = [.bootstrap, .configure]
        for link in chain.links {
            for contribution in link.body.phases {
                let base = Self.slot(of: contribution.name.value).base
                if !order.contains(base) { order.append(base) }
            }
        }
        var bundles: [BundlePlan] = []
        for phase in order {
            var items: [PhaseItem] = []
            for slot in 0...2 {
                for link in chain.links {
                    for contribution in link.body.phases where Self.slot(of: contribution.name.value) == (phase, slot) {
                        items += contribution.items
                    }
                }
            }
            let hasContribution = chain.links.contains { link in
                link.body.phases.contains { Self.slot(of: $0.name.value).base == phase }
            }
            guard hasContribution || phase == .configure else { continue }
            var handlers = chain.handlers.map { ScopedHandler(handler: $0, resolver: resolver) }
            let scoped = crates.expand(items.map { ScopedItem(item: $0, resolver: resolver) }, phase: phase, handlers: &handlers)
            let steps = PackageStepCollapse.collapse(scoped.compactMap { $0.resolve() })
            ConflictCheck(diagnostics: diagnostics).check(steps)
            checkNotify(scoped.map(\.action), handlers: handlers.map(\.handler))
            let notified = Set(steps.flatMap(\.notify))
            let handlerPlans = handlers.filter { notified.contains($0.handler.name.value) }.map { scopedHandler in
                let handler = scopedHandler.handler
                for case .action(let action) in handler.items {
                    if let first = action.notify.first {
                        diagnostics.error(first.location, "a handler's action cannot notify other handlers")
                    }
                }
                let expanded = crates.expand(handler.items.map { ScopedItem(item: $0, resolver: scopedHandler.resolver) },
                                             phase: phase, handlers: &handlers)
                return HandlerPlan(name: handler.name.value, steps: expanded.compactMap { $0.resolve() })
            }
            _ = BundleSizeCheck(diagnostics: diagnostics).check(steps + handlerPlans.flatMap(\.steps), group: group, phase: phase)
            bundles.append(BundlePlan(group: group, phase: phase, steps: steps, handlers: handlerPlans))
        }
        return bundles
    }

    /// Reports `notify` names that no handler of the chain defines.
    func checkNotify(_ actions: [Action], handlers: [Handler]) {
        let names = handlers.map(\.name.value)
        for action in actions {
            for target in action.notify where !names.contains(target.value) {
                let hint = Suggestion.hint(for: target.value, in: names)
                diagnostics.error(target.location, "undefined handler '\(target.value)' for group '\(group)'\(hint)")
            }
        }
    }
}
