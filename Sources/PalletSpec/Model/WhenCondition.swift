/// A condition on the node, checked at run time, that decides whether a step runs.
public struct WhenCondition: Sendable {
    /// The OS families (from `/etc/os-release` `ID` and `ID_LIKE`) the step runs on.
    public var osFamilies: [Located<String>]
    /// Where the condition was written.
    public var location: SourceLocation

    /// The OS families Pallet knows.
    public static let knownFamilies = [
        "almalinux", "amzn", "arch", "centos", "debian", "fedora", "ol", "opensuse", "rhel", "rocky", "sles", "suse", "ubuntu",
    ]

    /// Creates a condition.
    public init(osFamilies: [Located<String>], location: SourceLocation) {
        self.osFamilies = osFamilies
        self.location = location
    }
}
