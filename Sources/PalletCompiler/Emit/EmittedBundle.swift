import PalletContract
import PalletSpec

/// A bundle's generated files before packing.
public struct EmittedBundle: Sendable {
    /// The group's name.
    public var group: String
    /// The phase.
    public var phase: PhaseName
    /// The number of steps.
    public var stepCount: Int
    /// The `run.sh` text.
    public var runScript: String
    /// The payload files.
    public var payloads: [BundleFile]
    /// What the bundle does, step by step, for review (`<phase>.steps.json`).
    public var stepList: StepListDocument
    /// The secrets the executor must deliver, each once, sorted by identifier.
    public var secrets: [SecretReference]
}
