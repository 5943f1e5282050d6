import PalletSpec

/// One package step's contribution to a phase's package transaction.
public struct PackageRequest: Sendable {
    /// `present`, `absent` or `latest`.
    public var state: String
    /// The package names.
    public var names: [ShellText]
    /// The OS families the request is limited to; empty means all.
    public var osFamilies: [String]
    /// Where the step was written.
    public var origin: SourceLocation
}
