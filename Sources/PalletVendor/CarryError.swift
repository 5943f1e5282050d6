/// Why `pallet pack` wrote nothing.
public struct CarryError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String

    /// Creates an error with the message `description`.
    public init(_ description: String) {
        self.description = description
    }
}
