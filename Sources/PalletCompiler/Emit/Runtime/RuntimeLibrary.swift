/// The bundle runtime: the bash library every `run.sh` sources, written once as `out/lib.sh`.
///
/// Its sources are real shell files, one per action family, in `Sources/PalletCompiler/NodeRuntime`
/// (see the README there); ``EmbeddedRuntime`` holds their bytes, so that pallet needs no resource
/// folder. `pallet_user` is in `account.sh`, and so on.
public enum RuntimeLibrary {
    /// The parts of `lib.sh` in order: the core first (protocol lines, steps, status, check mode,
    /// handlers, secrets, file convergence), then the facts read in bulk before the first step,
    /// then one part per action family.
    static let parts = [
        EmbeddedRuntime.nodeCore, EmbeddedRuntime.nodeFacts, EmbeddedRuntime.nodeExec, EmbeddedRuntime.nodeFile,
        EmbeddedRuntime.nodePackage, EmbeddedRuntime.nodeAccount, EmbeddedRuntime.nodeSystem,
    ]

    /// The library's bash source: the parts, each ending in a newline, a blank line between two.
    public static let source = parts.joined(separator: "\n")
}
