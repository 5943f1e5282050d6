import PalletContract

/// One bundle to run on one node, and as whom: what the executor's stages pass from choosing the
/// work of a phase to running it.
struct NodeJob: Sendable {
    /// The node.
    var target: Target
    /// Who ssh logs in as: the admin user, or for bootstrap the image's login user.
    var credentials: Credentials
    /// The bundle of the phase.
    var bundle: PlanDocument.Bundle

    /// What a phase's bundle amounts to on one node, once first contact is done.
    enum Choice: Sendable {
        /// Run it.
        case run(NodeJob)
        /// Nothing to run: bootstrap completed on the node before, or was not asked about.
        case nothingToDo
        /// The node needs bootstrap but no user can log in to run it.
        case cannotLogIn(String)
    }

    /// The job of running `bundle` on `target`, given what first contact found there (`finding`).
    ///
    /// Bootstrap runs only on nodes that never completed it: as the admin user when it logs in,
    /// else as the image's login user (a node whose login user is the admin user cannot log in at
    /// all). Every other phase runs as the admin user.
    static func choose(_ bundle: PlanDocument.Bundle, on target: Target, finding: Probe.Finding?) -> Choice {
        guard bundle.phase == .bootstrap else {
            return .run(NodeJob(target: target, credentials: target.admin, bundle: bundle))
        }
        switch finding {
        case .needsBootstrap?:
            return .run(NodeJob(target: target, credentials: target.admin, bundle: bundle))
        case .adminCannotLogIn(let reason)?:
            guard target.login != target.admin else { return .cannotLogIn("cannot log in as \(target.admin.user): \(reason)") }
            return .run(NodeJob(target: target, credentials: target.login, bundle: bundle))
        case .ready?, .failed?, nil:
            return .nothingToDo
        }
    }
}
