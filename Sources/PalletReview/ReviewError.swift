/// A problem that stops `pallet diff`: a base that cannot be found or read.
public struct ReviewError: Error, CustomStringConvertible, Sendable {
    /// The message, one line, without a `pallet: error:` prefix.
    public let description: String

    /// Creates an error with the message `description`.
    public init(_ description: String) {
        self.description = description
    }
}
