/// A phase's package steps, collapsed into one package-manager transaction: the requests in
/// declared order, applied together.
public struct PackageTransaction: Sendable {
    /// The requests, one per package step, in declared order.
    public var requests: [PackageRequest]

    /// Creates a transaction of `requests`.
    public init(requests: [PackageRequest]) {
        self.requests = requests
    }
}
