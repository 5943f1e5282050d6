/// Where a node keeps pallet's state between runs: the runtime's lock, the handlers still
/// pending after a failed run, the package journal and the bootstrap marker. The bundle runtime
/// (`lib.sh`) writes it as root, and the executor reads the bootstrap marker over ssh.
public enum NodeState {
    /// The state folder on the node, the runtime's default for `PALLET_STATE_DIR`.
    public static let folder = "/var/lib/pallet"

    /// The file a completed bootstrap phase leaves, so that bootstrap runs once per node.
    public static let bootstrapMarker = folder + "/bootstrapped"
}
