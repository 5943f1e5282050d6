/// The bundle runtime: the bash library every `run.sh` sources, written once as `out/lib.sh`.
///
/// It is embedded in the binary so that pallet needs no resource folder. Each action's
/// functions live in their own part: `pallet_user` is in ``AccountRuntime``, and so on.
public enum RuntimeLibrary {
    /// The library's bash source.
    public static let source = [
        CoreRuntime.source, FactsRuntime.source, ExecRuntime.source, FileRuntime.source, PackageRuntime.source, AccountRuntime.source,
        SystemRuntime.source,
    ].joined(separator: "\n\n") + "\n"
}
