import PalletSpec

/// Attaches `specs/vendor.lock`'s files to the package transactions of a group with `vendor:`:
/// every request to install (state present or latest) must be a literal name the lock resolves
/// for the group's target, else a located error at the request's origin.
struct VendorResolution {
    let lock: VendorLock?
    let diagnostics: Diagnostics

    /// `bundles` with each package transaction's ``VendorInstall`` set for `target`.
    func attach(to bundles: [BundlePlan], target: Located<VendorTarget>) -> [BundlePlan] {
        bundles.map { bundle in
            var bundle = bundle
            bundle.steps = bundle.steps.map { step in
                guard case .packages(var transaction) = step.kind else { return step }
                var step = step
                transaction.vendored = install(transaction.requests, target: target.value)
                step.kind = .packages(transaction)
                return step
            }
            return bundle
        }
    }

    /// The entries of every request that installs, reported where one is not in the lock.
    func install(_ requests: [PackageRequest], target: VendorTarget) -> VendorInstall {
        var entries: [VendorInstall.Entry] = []
        for request in requests where request.state != "absent" {
            for name in request.names {
                guard let literal = name.literalText else {
                    diagnostics.error(request.origin, "package '\(name.templateText)' of a group with 'vendor:' must be a literal name: "
                        + "\(VendorLock.path) lists literal names only")
                    continue
                }
                guard let closure = lock?.closure(of: literal, for: target) else {
                    diagnostics.error(request.origin, "package '\(literal)' is not in \(VendorLock.path) for \(target); run `pallet vendor`")
                    continue
                }
                entries += closure.map { package in
                    VendorInstall.Entry(request: literal, name: package.name, version: package.version, architecture: package.architecture,
                                        sha256: package.sha256)
                }
            }
        }
        return VendorInstall(target: target, entries: entries)
    }
}
