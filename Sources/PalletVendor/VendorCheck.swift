import PalletSpec

/// `pallet vendor --check`, without the network: whether the lock is exactly what the vendored
/// groups ask for and the cache holds each of its files with the lock's SHA-256.
public enum VendorCheck {
    /// What is missing or wrong, one line each (empty when all is in place), or nil when the
    /// specs or the lock have errors (reported to `diagnostics`).
    public static func problems(projectRoot: String, diagnostics: Diagnostics) -> [String]? {
        let project = VendorProject(projectRoot: projectRoot, diagnostics: diagnostics)
        guard !diagnostics.hasErrors else { return nil }
        let lock = project.specs.vendorLock ?? VendorLock()
        var problems: [String] = []
        for (target, requests) in project.requests.sorted(by: { $0.key < $1.key }) {
            for request in requests where lock.needs[target]?[request.text] == nil {
                problems.append("\(request.origin): \(VendorLock.path) does not resolve '\(request.text)' for \(target) (run pallet vendor)")
            }
        }
        for (target, needs) in lock.needs.sorted(by: { $0.key < $1.key }) {
            for request in needs.keys.sorted() where !(project.requests[target] ?? []).contains(where: { $0.text == request }) {
                problems.append("\(VendorLock.path): '\(request)' for \(target) is not asked for by any vendored group (run pallet vendor)")
            }
        }
        let cache = VendorCache(projectRoot: projectRoot)
        for (_, packages) in lock.packages.sorted(by: { $0.key < $1.key }) {
            for package in packages.values.sorted(by: { $0.name < $1.name }) {
                if let problem = cache.problem(with: package) { problems.append(problem) }
            }
        }
        return problems
    }
}
