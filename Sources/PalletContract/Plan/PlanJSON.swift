import Foundation

/// How `out/`'s JSON files are written: keys sorted, indented, slashes as they are, and a final
/// newline, so the same plan gives the same bytes and a diff shows one line per change.
public enum PlanJSON {
    /// The bytes of `value` as `out/` holds them.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
    }
}
