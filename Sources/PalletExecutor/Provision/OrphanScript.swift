import Foundation

/// `out/provision/orphans.sh`: the VMs of this project whose group is no longer in the specs.
/// `pallet plan` writes it when the specs have a virtualbox service.
public struct OrphanScript: Sendable {
    /// The script's path relative to `out/`.
    public static let path = "provision/orphans.sh"

    let script: ProvisionScript

    /// The plan's orphans script, logging to `runDirectory/provision/orphans.log`; nil when
    /// plan.json names none (no virtualbox service), or names any other path than the one
    /// `pallet plan` writes.
    public init?(plan: LoadedPlan, runDirectory: String) {
        guard plan.document.orphans == Self.path else { return nil }
        script = ProvisionScript(path: Self.path, plan: plan, logPath: runDirectory + "/provision/orphans.log")
    }

    /// `list` (read-only): every orphan, as the change that destroys it.
    public func list() async -> Result<[MachineChange], ProvisionScript.Failure> {
        await script.read(["list"], MachineChange.parseOrphans)
    }

    /// `destroy-all`: nil on success, else why it failed.
    public func destroyAll() async -> String? {
        await script.perform(["destroy-all"])
    }
}
