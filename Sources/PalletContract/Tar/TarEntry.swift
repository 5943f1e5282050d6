/// One member of a tar archive: a regular file with its contents, or a directory.
///
/// Only the information that ends up in a reproducible archive is modelled: the path, the
/// kind (with file contents) and the permission bits. Ownership, timestamps and other
/// metadata are fixed by ``TarArchive`` so that archives never depend on the machine that
/// built them.
public struct TarEntry: Sendable, Equatable {
    /// The kind of an entry, carrying the contents for regular files.
    public enum Kind: Sendable, Equatable {
        /// A regular file with the given contents.
        case file([UInt8])
        /// A directory.
        case directory
    }

    /// The path inside the archive.
    ///
    /// It is relative and `/`-separated, with no leading or trailing `/`, no empty, `.` or
    /// `..` components, and no NUL characters. Non-ASCII paths are stored as UTF-8 and must be
    /// in Unicode Normalization Form C (NFC). ``TarArchive/make(_:)`` rejects paths that break
    /// these rules.
    public var path: String

    /// Whether the entry is a file (with its contents) or a directory.
    public var kind: Kind

    /// The permission bits of the entry, for example `0o644` or `0o755`.
    ///
    /// Only the low twelve bits (permissions plus the setuid, setgid and sticky bits) are
    /// meaningful; the file type is derived from ``kind``.
    public var mode: UInt32

    /// Creates an entry from its path, kind and permission bits.
    public init(path: String, kind: Kind, mode: UInt32) {
        self.path = path
        self.kind = kind
        self.mode = mode
    }
}

extension TarEntry {
    /// Whether the entry is a directory.
    public var isDirectory: Bool {
        if case .directory = kind {
            return true
        }
        return false
    }
}
