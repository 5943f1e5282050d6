import PalletSpec

/// The built-in crates a plan uses, which `pallet plan` copies to `out/crates/<name>.yaml` so that
/// every origin naming one of them opens in review.
enum BuiltInCrateCopies {
    /// The files of the built-in crates whose steps the plan holds (in phases and handlers, and
    /// the package requests of a transaction), in name order.
    static func files(of plan: Plan) -> [BuiltInCrates.File] {
        var origins: Set<String> = []
        for bundle in plan.groups.flatMap(\.bundles) {
            for step in bundle.steps + bundle.handlers.flatMap(\.steps) {
                origins.insert(step.origin.file)
                if case .packages(let transaction) = step.kind {
                    origins.formUnion(transaction.requests.map(\.origin.file))
                }
            }
        }
        return BuiltInCrates.files.filter { origins.contains($0.path) }
    }
}
