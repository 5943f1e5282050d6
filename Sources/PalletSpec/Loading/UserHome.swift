import Foundation

/// The folder a spec's `~/` means on the control host: `$HOME` when it is an absolute path, as
/// ssh and shells take it, else the user database's entry (Foundation's `NSHomeDirectory()`
/// ignores `$HOME` for root, and pallet often runs as root).
public enum UserHome {
    /// The folder: `$HOME` when absolute, else the user database's home folder.
    public static var path: String {
        if let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/") { return home }
        return NSHomeDirectory()
    }

    /// `path` with a leading `~` or `~/` replaced by `home`, as a shell expands it.
    public static func expand(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + String(path.dropFirst(1)) }
        return path
    }
}
