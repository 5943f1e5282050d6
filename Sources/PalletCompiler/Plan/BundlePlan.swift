import PalletContract

/// One group × one phase: the steps and handlers that become one `run.sh`.
public struct BundlePlan: Sendable {
    /// The group's name.
    public var group: String
    /// The phase.
    public var phase: PhaseName
    /// The steps, in order (`pre-` contributions first, `post-` last).
    public var steps: [PlanStep]
    /// The handlers that steps of this bundle notify, in declaration order.
    public var handlers: [HandlerPlan]

    /// The files of `specs/vendor.lock` its package transaction installs, when its group has
    /// `vendor:` and it has package steps.
    public var vendored: VendorInstall? {
        for step in steps {
            if case .packages(let transaction) = step.kind { return transaction.vendored }
        }
        return nil
    }
}

/// A handler with its resolved steps.
public struct HandlerPlan: Sendable {
    /// The handler's name.
    public var name: String
    /// Its steps.
    public var steps: [PlanStep]
}
