import PalletSpec

/// Why `pallet vendor` stopped: a message, and the place in the specs it comes from when there
/// is one.
public struct VendorError: Error, Sendable, CustomStringConvertible {
    /// Where in the specs, when the problem comes from them.
    public var location: SourceLocation?
    /// What went wrong, with control characters of tool output made visible.
    public var message: String

    /// Creates an error; control characters in `message` (C0 other than line breaks, DEL and C1)
    /// become `?`, so tool output cannot drive the terminal.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.location = location
        self.message = String(String.UnicodeScalarView(message.unicodeScalars.map {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) ? "?" : $0
        }))
    }

    /// `file:line:column: error: message`, or the message alone.
    public var description: String {
        location.map { "\($0): error: \(message)" } ?? message
    }
}
