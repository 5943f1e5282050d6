import PalletSpec

/// The compiled plan: every group's bundles and the facts the executor needs.
public struct Plan: Sendable {
    /// The project's name, if the specs give one (`project:`).
    public var project: String?
    /// Whether the specs define a virtualbox service: then VMs of the project whose group is gone
    /// are looked for (out/provision/orphans.sh).
    public var usesVirtualBox = false
    /// The admin user, if the specs define one.
    public var adminUser: AdminUser?
    /// The groups in definition order.
    public var groups: [GroupPlan]
    /// The files the plan was compiled from.
    public var inputs: [InputFile]
}
