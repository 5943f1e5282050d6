/// A phase's package steps, collapsed into one package-manager transaction: the requests in
/// declared order, applied together.
public struct PackageTransaction: Sendable {
    /// The requests, one per package step, in declared order.
    public var requests: [PackageRequest]
    /// For a group with `vendor:`: the files the transaction installs instead of asking a
    /// repository; nil when the nodes' package manager fetches packages itself.
    public var vendored: VendorInstall?

    /// Creates a transaction of `requests`.
    public init(requests: [PackageRequest], vendored: VendorInstall? = nil) {
        self.requests = requests
        self.vendored = vendored
    }
}
