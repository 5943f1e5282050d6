internal import CLibArchive
import Foundation

/// Reproducible, uncompressed tar archives built in memory with libarchive.
///
/// ``make(_:)`` produces byte-identical output for the same set of entries regardless of
/// their order, the machine, the user, the umask, the time zone, the locale or the current
/// time:
///
/// - The format is restricted pax: plain ustar headers, plus a pax extended header only
///   when an entry needs one (for example a non-ASCII or very long path, stored as UTF-8).
/// - Entries are sorted by the UTF-8 bytes of their paths, and every parent directory is
///   written as an explicit directory entry (missing ones are added with mode `0o755`).
/// - The modification time is 0 (the Unix epoch), or the value of the `SOURCE_DATE_EPOCH`
///   environment variable when it holds a non-negative integer; the variable is read once
///   per process. Access and change times are not recorded.
/// - The owner and group are uid/gid 0 named `root`, and modes come only from the entries.
/// - Names never pass through the process locale: libarchive runs with a UTF-8 locale on the
///   calling thread only, and paths must already be in Unicode NFC so they are stored and read
///   back byte for byte.
public enum TarArchive {
    /// Builds the archive bytes in memory.
    ///
    /// - Parameter entries: The files and directories to store, in any order.
    /// - Returns: The complete archive, including the end-of-archive marker, padded to a
    ///   multiple of 512 bytes.
    /// - Throws: ``TarArchiveError`` when a path or mode is invalid (see ``TarEntry/path``), when two entries share a
    ///   path, when a file is used as the parent of another entry, or when libarchive fails.
    public static func make(_ entries: [TarEntry]) throws -> [UInt8] {
        try make(entries, modificationTime: defaultModificationTime)
    }

    /// Builds the archive bytes in memory with an explicit modification time for every entry.
    ///
    /// This is the implementation of ``make(_:)``; it exists separately so that tests can
    /// exercise `SOURCE_DATE_EPOCH` handling without changing the process environment.
    static func make(_ entries: [TarEntry], modificationTime: Int64) throws -> [UInt8] {
        let normalized = try normalize(entries)
        return try withUTF8Locale {
            try write(normalized, modificationTime: modificationTime)
        }
    }

    /// Writes already normalized entries with libarchive.
    private static func write(_ normalized: [NormalizedEntry], modificationTime: Int64) throws -> [UInt8] {
        guard let archive = archive_write_new() else {
            throw TarArchiveError.libarchive(operation: "archive_write_new", message: "out of memory")
        }
        defer { archive_write_free(archive) }

        try check(archive_write_set_format_pax_restricted(archive), archive, "archive_write_set_format_pax_restricted")
        // Pax headers store names as UTF-8; the thread locale is UTF-8 (see `withUTF8Locale`).
        try check(archive_write_set_format_option(archive, "pax", "hdrcharset", "UTF-8"), archive, "archive_write_set_format_option(hdrcharset)")
        try check(archive_write_add_filter_none(archive), archive, "archive_write_add_filter_none")
        // Pin the blocking so output does not depend on libarchive defaults: 10240-byte
        // records, with the final record padded only to a 512-byte boundary.
        try check(archive_write_set_bytes_per_block(archive, 10240), archive, "archive_write_set_bytes_per_block")
        try check(archive_write_set_bytes_in_last_block(archive, 512), archive, "archive_write_set_bytes_in_last_block")

        let sink = OutputSink()
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        try withExtendedLifetime(sink) {
            try check(archive_write_open2(archive, sinkPointer, nil, appendToSink, nil, nil), archive, "archive_write_open2")
            for item in normalized {
                try writeEntry(item, modificationTime: modificationTime, to: archive)
            }
            try check(archive_write_close(archive), archive, "archive_write_close")
        }
        return sink.bytes
    }

    /// Reads every entry of an uncompressed tar archive held in memory.
    ///
    /// Entries are returned in archive order. Directory paths are returned without their
    /// trailing `/`, and modes are reduced to their permission bits.
    ///
    /// - Throws: ``TarArchiveError`` when the bytes are not a readable tar archive or contain
    ///   an entry that is neither a regular file nor a directory.
    public static func read(_ bytes: [UInt8]) throws -> [TarEntry] {
        try withUTF8Locale {
            try readArchive(bytes)
        }
    }

    /// Reads an archive; the caller has switched the thread to a UTF-8 locale.
    private static func readArchive(_ bytes: [UInt8]) throws -> [TarEntry] {
        guard let archive = archive_read_new() else {
            throw TarArchiveError.libarchive(operation: "archive_read_new", message: "out of memory")
        }
        defer { archive_read_free(archive) }
        try check(archive_read_support_format_tar(archive), archive, "archive_read_support_format_tar")
        try check(archive_read_support_filter_none(archive), archive, "archive_read_support_filter_none")
        // Pax headers carry UTF-8 names; plain ustar names are read as UTF-8 too.
        try check(archive_read_set_format_option(archive, "tar", "hdrcharset", "UTF-8"), archive, "archive_read_set_format_option(hdrcharset)")

        return try bytes.withUnsafeBytes { buffer -> [TarEntry] in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                // Like tar itself, treat zero bytes as an archive without entries.
                return []
            }
            try check(archive_read_open_memory(archive, base, buffer.count), archive, "archive_read_open_memory")
            var result: [TarEntry] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                var header: OpaquePointer?
                let status = archive_read_next_header(archive, &header)
                if status == ARCHIVE_EOF {
                    break
                }
                try check(status, archive, "archive_read_next_header")
                guard let header else {
                    throw TarArchiveError.malformedArchive("libarchive returned no entry header")
                }
                result.append(try readEntry(header, from: archive, chunk: &chunk))
            }
            return result
        }
    }

    // MARK: - Normalization

    /// The modification time stamped on every entry by ``make(_:)``.
    static let defaultModificationTime: Int64 = sourceDateEpoch(ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"])

    /// Parses a `SOURCE_DATE_EPOCH` value, returning 0 unless it is a non-negative decimal integer.
    static func sourceDateEpoch(_ value: String?) -> Int64 {
        guard let value, !value.isEmpty, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let seconds = Int64(value)
        else {
            return 0
        }
        return seconds
    }

    /// An entry after validation, keyed by the UTF-8 bytes of its path.
    private struct NormalizedEntry {
        var key: [UInt8]
        var entry: TarEntry
    }

    /// Validates the entries, adds missing parent directories and sorts by path bytes.
    ///
    /// Entries are sorted before any cross-entry check so that the reported error does not
    /// depend on the input order.
    private static func normalize(_ entries: [TarEntry]) throws -> [NormalizedEntry] {
        var items: [NormalizedEntry] = []
        items.reserveCapacity(entries.count)
        for entry in entries {
            try validate(entry)
            items.append(NormalizedEntry(key: Array(entry.path.utf8), entry: entry))
        }
        items.sort { $0.key.lexicographicallyPrecedes($1.key) }

        var byKey: [[UInt8]: Int] = [:]
        for (index, item) in items.enumerated() {
            if byKey.updateValue(index, forKey: item.key) != nil {
                throw TarArchiveError.duplicatePath(item.entry.path)
            }
        }

        var missingParents: [[UInt8]: NormalizedEntry] = [:]
        let slash = UInt8(ascii: "/")
        for item in items {
            for (offset, byte) in item.key.enumerated() where byte == slash {
                let parentKey = Array(item.key[..<offset])
                if let parentIndex = byKey[parentKey] {
                    let parent = items[parentIndex].entry
                    if !parent.isDirectory {
                        throw TarArchiveError.parentIsNotDirectory(parent: parent.path, child: item.entry.path)
                    }
                } else if missingParents[parentKey] == nil {
                    let parentPath = String(decoding: parentKey, as: UTF8.self)
                    missingParents[parentKey] = NormalizedEntry(key: parentKey, entry: TarEntry(path: parentPath, kind: .directory, mode: 0o755))
                }
            }
        }
        if !missingParents.isEmpty {
            items.append(contentsOf: missingParents.values)
            items.sort { $0.key.lexicographicallyPrecedes($1.key) }
        }
        return items
    }

    /// Whether a string is in Unicode Normalization Form C (NFC).
    ///
    /// libarchive normalizes non-ASCII names to NFC when it reads an archive, and Swift
    /// treats canonically equivalent strings as equal, so only NFC paths can round-trip
    /// byte for byte and be compared reliably for duplicates.
    static func isNFC(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 } || text.precomposedStringWithCanonicalMapping.utf8.elementsEqual(text.utf8)
    }

    /// Checks one entry's path and mode against the archive rules.
    ///
    /// The checks work on UTF-8 bytes, not on `Character`s: a combining mark after `/`
    /// forms one grapheme with it, so a character-based split would miss the separator in
    /// `"../\u{301}x"` although tar sees a `..` component there.
    private static func validate(_ entry: TarEntry) throws {
        let path = entry.path
        func invalid(_ reason: String) -> TarArchiveError {
            .invalidPath(path, reason: reason)
        }
        let bytes = Array(path.utf8)
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        if bytes.isEmpty {
            throw invalid("the path is empty")
        }
        if bytes.contains(0) {
            throw invalid("it contains a NUL character")
        }
        if bytes.first == slash {
            throw invalid("it is absolute; paths must be relative to the archive root")
        }
        if bytes.last == slash {
            throw invalid("it ends with \"/\"")
        }
        for component in bytes.split(separator: slash, omittingEmptySubsequences: false) {
            if component.isEmpty {
                throw invalid("it contains an empty component (\"//\")")
            }
            if component.elementsEqual([dot]) {
                throw invalid("it contains a \".\" component")
            }
            if component.elementsEqual([dot, dot]) {
                throw invalid("it contains a \"..\" component")
            }
        }
        if !isNFC(path) {
            throw invalid("it is not in Unicode Normalization Form C (NFC); normalize it first, for example with precomposedStringWithCanonicalMapping")
        }
        if entry.mode & ~UInt32(0o7777) != 0 {
            throw TarArchiveError.invalidMode(path, mode: entry.mode)
        }
    }

    // MARK: - libarchive plumbing

    /// Writes one header and, for files, its contents.
    private static func writeEntry(_ item: NormalizedEntry, modificationTime: Int64, to archive: OpaquePointer) throws {
        guard let header = archive_entry_new() else {
            throw TarArchiveError.libarchive(operation: "archive_entry_new", message: "out of memory")
        }
        defer { archive_entry_free(header) }

        let entry = item.entry
        archive_entry_copy_pathname(header, entry.path)
        switch entry.kind {
        case .file(let contents):
            archive_entry_set_filetype(header, UInt32(S_IFREG as mode_t))
            archive_entry_set_size(header, Int64(contents.count))
        case .directory:
            archive_entry_set_filetype(header, UInt32(S_IFDIR as mode_t))
            archive_entry_set_size(header, 0)
        }
        archive_entry_set_perm(header, mode_t(entry.mode))
        archive_entry_set_uid(header, 0)
        archive_entry_set_gid(header, 0)
        archive_entry_copy_uname(header, "root")
        archive_entry_copy_gname(header, "root")
        archive_entry_set_mtime(header, time_t(modificationTime), 0)

        // A warning (for example a name that cannot be converted) would silently change the
        // stored bytes, so anything but a clean success is an error.
        try check(archive_write_header(archive, header), archive, "archive_write_header(\(entry.path))", strict: true)
        if case .file(let contents) = entry.kind, !contents.isEmpty {
            try contents.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else {
                    return
                }
                var offset = 0
                while offset < buffer.count {
                    let written = archive_write_data(archive, base + offset, buffer.count - offset)
                    if written <= 0 {
                        throw TarArchiveError.libarchive(operation: "archive_write_data(\(entry.path))", message: errorMessage(archive))
                    }
                    offset += written
                }
            }
        }
        try check(archive_write_finish_entry(archive), archive, "archive_write_finish_entry(\(entry.path))", strict: true)
    }

    /// Converts the current libarchive header into a ``TarEntry`` and reads its contents.
    private static func readEntry(_ header: OpaquePointer, from archive: OpaquePointer, chunk: inout [UInt8]) throws -> TarEntry {
        guard let rawPath = archive_entry_pathname_utf8(header) ?? archive_entry_pathname(header) else {
            throw TarArchiveError.malformedArchive("an entry has no path")
        }
        guard var path = String(validatingCString: rawPath) else {
            throw TarArchiveError.malformedArchive("an entry path is not valid UTF-8")
        }
        if archive_entry_hardlink(header) != nil {
            throw TarArchiveError.unsupportedEntry(path, kind: "hard link")
        }
        let mode = UInt32(archive_entry_perm(header)) & 0o7777
        let fileType = UInt32(archive_entry_filetype(header))
        if fileType == UInt32(S_IFDIR as mode_t) {
            while path.count > 1, path.hasSuffix("/") {
                path.removeLast()
            }
            return TarEntry(path: path, kind: .directory, mode: mode)
        }
        guard fileType == UInt32(S_IFREG as mode_t) else {
            throw TarArchiveError.unsupportedEntry(path, kind: describeFileType(fileType))
        }
        var contents: [UInt8] = []
        if archive_entry_size_is_set(header) != 0 {
            contents.reserveCapacity(Int(clamping: max(0, archive_entry_size(header))))
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                archive_read_data(archive, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                throw TarArchiveError.libarchive(operation: "archive_read_data(\(path))", message: errorMessage(archive))
            }
            if count == 0 {
                break
            }
            contents.append(contentsOf: chunk[0 ..< count])
        }
        return TarEntry(path: path, kind: .file(contents), mode: mode)
    }

    /// Runs `body` with the calling thread's character-type locale set to UTF-8.
    ///
    /// libarchive converts names between UTF-8 and the current locale's character set. In
    /// the default "C" locale of a Swift process that conversion fails for non-ASCII names
    /// (libarchive 3.6 then either falls back to `hdrcharset=BINARY` or crashes on
    /// directories), so the output would depend on the process locale. `uselocale` changes
    /// only the calling thread, and the previous locale is restored before returning.
    private static func withUTF8Locale<Result>(_ body: () throws -> Result) throws -> Result {
        guard let locale = utf8LocaleNames.lazy.compactMap({ newlocale(LC_CTYPE_MASK, $0, nil) }).first else {
            throw TarArchiveError.libarchive(
                operation: "newlocale",
                message: "no UTF-8 locale is available (tried \(utf8LocaleNames.joined(separator: ", ")))"
            )
        }
        defer { freelocale(locale) }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return try body()
    }

    /// Locale names that select UTF-8 character handling, most portable first.
    private static let utf8LocaleNames = ["C.UTF-8", "C.utf8", "en_US.UTF-8", "UTF-8"]

    /// Names a non-file, non-directory type for error messages.
    private static func describeFileType(_ type: UInt32) -> String {
        switch type {
        case UInt32(S_IFLNK as mode_t): "symbolic link"
        case UInt32(S_IFCHR as mode_t): "character device"
        case UInt32(S_IFBLK as mode_t): "block device"
        case UInt32(S_IFIFO as mode_t): "FIFO"
        case UInt32(S_IFSOCK as mode_t): "socket"
        default: "file type 0o\(String(type, radix: 8))"
        }
    }

    /// Throws a ``TarArchiveError`` unless a libarchive status code reports success.
    ///
    /// - Parameter strict: When true, `ARCHIVE_WARN` is an error too.
    private static func check(_ status: Int32, _ archive: OpaquePointer, _ operation: @autoclosure () -> String, strict: Bool = false) throws {
        if status == ARCHIVE_OK || (!strict && status == ARCHIVE_WARN) {
            return
        }
        throw TarArchiveError.libarchive(operation: operation(), message: errorMessage(archive))
    }

    /// The last error libarchive recorded on a handle.
    private static func errorMessage(_ archive: OpaquePointer) -> String {
        if let message = archive_error_string(archive) {
            return String(cString: message)
        }
        return "unknown error (errno \(archive_errno(archive)))"
    }
}

/// Collects the bytes libarchive writes.
private final class OutputSink {
    var bytes: [UInt8] = []
}

/// The libarchive write callback: appends a block to the ``OutputSink`` passed as client data.
private func appendToSink(_: OpaquePointer?, _ clientData: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?, _ length: Int) -> Int {
    guard let clientData else {
        return -1
    }
    let sink = Unmanaged<OutputSink>.fromOpaque(clientData).takeUnretainedValue()
    if let buffer, length > 0 {
        sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    }
    return length
}

/// The error thrown by ``TarArchive``.
public enum TarArchiveError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// An entry path breaks the archive path rules; `reason` explains which one.
    case invalidPath(String, reason: String)
    /// An entry mode has bits outside the permission bits `0o7777`.
    case invalidMode(String, mode: UInt32)
    /// Two entries have the same path.
    case duplicatePath(String)
    /// A regular file is also the parent directory of another entry.
    case parentIsNotDirectory(parent: String, child: String)
    /// The archive being read holds an entry other than a regular file or directory.
    case unsupportedEntry(String, kind: String)
    /// The archive being read is structurally wrong.
    case malformedArchive(String)
    /// A libarchive call failed.
    case libarchive(operation: String, message: String)

    /// A human-readable explanation of the failure.
    public var description: String {
        switch self {
        case .invalidPath(let path, let reason):
            "invalid tar entry path \(String(reflecting: path)): \(reason)"
        case .invalidMode(let path, let mode):
            "invalid mode 0o\(String(mode, radix: 8)) for tar entry \(String(reflecting: path)): only permission bits (0o7777) are allowed"
        case .duplicatePath(let path):
            "duplicate tar entry path \(String(reflecting: path))"
        case .parentIsNotDirectory(let parent, let child):
            "tar entry \(String(reflecting: child)) needs \(String(reflecting: parent)) to be a directory, but it is a file"
        case .unsupportedEntry(let path, let kind):
            "unsupported tar entry \(String(reflecting: path)): \(kind) (only regular files and directories are supported)"
        case .malformedArchive(let reason):
            "malformed tar archive: \(reason)"
        case .libarchive(let operation, let message):
            "libarchive failed in \(operation): \(message)"
        }
    }

    /// The same text as ``description``, for `localizedDescription`.
    public var errorDescription: String? {
        description
    }
}
