/// What first contact with the nodes found, before any phase runs (see ``Probe``).
struct FirstContact: Sendable {
    /// What the probe found, by node name; a node with no entry was not probed (it is ready).
    var findings: [String: Probe.Finding] = [:]
    /// The nodes that run exactly one phase (no bootstrap to do) over one plain ssh connection,
    /// with no master connection to start and close.
    var oneSession: Set<String> = []

    /// Why `target` cannot be reached, when first contact found so: then no phase runs on it.
    func failure(of target: Target) -> (outcome: PhaseResult.Outcome, message: String)? {
        guard case .failed(let outcome, let message)? = findings[target.name] else { return nil }
        return (outcome, message)
    }
}
