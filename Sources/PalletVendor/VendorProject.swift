import PalletCompiler
import PalletSpec

/// A project's specs as `pallet vendor` reads them: loaded, resolved, and the requests of its
/// vendored groups collected.
public struct VendorProject {
    /// The specs (with the lock, when it read without problems).
    public let specs: SpecSet
    /// The package requests of the vendored groups, per target.
    public let requests: [VendorTarget: [VendorRequest]]

    /// Loads the project at `projectRoot`; problems go to `diagnostics`. With `ignoringLock`,
    /// problems of `specs/vendor.lock` are left out (vendoring rewrites it) and a lock that has
    /// any is not used.
    public init(projectRoot: String, diagnostics: Diagnostics, ignoringLock: Bool = false) {
        let found = Diagnostics()
        var specs = SpecLoader(projectRoot: projectRoot).load(diagnostics: found)
        let lockProblems = found.all.filter { $0.location.file == VendorLock.path }
        if ignoringLock && lockProblems.contains(where: { $0.severity == .error }) { specs.vendorLock = nil }
        diagnostics.record(ignoringLock ? found.all.filter { $0.location.file != VendorLock.path } : found.all)
        // The lock is what this command writes: the requests are collected without looking them up in it.
        let plan = Resolver(specs: specs, diagnostics: diagnostics, attachesVendoredFiles: false).resolve()
        self.specs = specs
        requests = VendorRequests.collect(specs: specs, plan: plan, diagnostics: diagnostics)
    }
}
