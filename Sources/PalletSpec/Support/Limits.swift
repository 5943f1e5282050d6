/// The sizes past which the compiler refuses its input with a located error, so that its time
/// and its output grow linearly with the specs (docs/limits.md).
public enum Limits {
    /// The most bytes one value may have once its `{{ var }}` references are filled in (a file
    /// content, a rendered template, a script, any option).
    public static let valueBytes = 16 * 1024 * 1024

    /// The most bytes one bundle may hold: its `run.sh` text values plus its payload files,
    /// identical payloads counted once (they are stored once).
    public static let bundleBytes = 64 * 1024 * 1024

    /// The most bytes a group's values may expand to in all, each use of a variable counted
    /// (every use is written, hashed and packed): the bound on the compiler's work per group.
    public static let expandedBytes = 256 * 1024 * 1024

    /// The most scalar bytes aliases (`*name`) may add to one spec file when they are expanded.
    public static let aliasBytes = 16 * 1024 * 1024

    /// `bytes` for messages, in MiB with one decimal when at least 1 MiB, else in bytes.
    public static func describe(_ bytes: Int) -> String {
        guard bytes >= 1024 * 1024 else { return "\(bytes) bytes" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}
