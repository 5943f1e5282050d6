import PalletSpec

/// The compiled plan: every group's bundles and the facts the executor needs.
public struct Plan: Sendable {
    /// The admin user, if the specs define one.
    public var adminUser: AdminUser?
    /// The groups in definition order.
    public var groups: [GroupPlan]
    /// The files the plan was compiled from.
    public var inputs: [InputFile]
}
