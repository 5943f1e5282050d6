/// The kinds of compute service, as a spec's `provider:` names them.
public enum ProviderKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// VirtualBox VMs that `pallet apply` creates through generated VBoxManage scripts.
    case virtualbox
    /// Existing machines listed by address (Pallet's node-list).
    case hosts

    /// The name as written in specs and plan.json.
    public var description: String { rawValue }
}
