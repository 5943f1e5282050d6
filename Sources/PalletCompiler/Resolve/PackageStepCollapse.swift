import PalletSpec

/// Collapses the package steps of a phase into one ``PackageTransaction`` step, as Pallet's
/// aggregated `package` action does.
///
/// The phase runs `package-manager` steps first, then `package-source` steps, then the one
/// `packages` transaction, then every other step in declared order.
enum PackageStepCollapse {
    /// The steps of a phase, reordered and collapsed.
    static func collapse(_ steps: [PlanStep]) -> [PlanStep] {
        let managers = steps.filter { $0.keyword == .packageManager }
        let sources = steps.filter { $0.keyword == .packageSource }
        let packages = steps.filter { $0.keyword.isPackageRequest }
        let others = steps.filter { ![.packageManager, .packageSource].contains($0.keyword) && !$0.keyword.isPackageRequest }
        guard let first = packages.first else { return managers + sources + others }
        var requests: [PackageRequest] = []
        var notify: [String] = []
        for step in packages {
            guard case .list(let names)? = step.option("names") ?? step.option("name") else { continue }
            var state = "present"
            if case .text(let text)? = step.option("state"), let literal = text.literalText { state = literal }
            requests.append(PackageRequest(state: state, names: names, osFamilies: step.osFamilies, origin: step.origin))
            for handler in step.notify where !notify.contains(handler) { notify.append(handler) }
        }
        var summary: [ShellText.Piece] = []
        for request in requests {
            for name in request.names {
                if !summary.isEmpty { summary.append(.literal(" ")) }
                summary += name.pieces
            }
        }
        let merged = PlanStep(
            origin: first.origin, keyword: .packages, summary: ShellText(summary),
            kind: .packages(PackageTransaction(requests: requests)), notify: notify, osFamilies: [], via: nil
        )
        return managers + sources + [merged] + others
    }
}
