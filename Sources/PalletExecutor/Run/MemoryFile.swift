import Glibc
internal import CSystemShims
import SystemPackage

/// Anonymous in-memory files (memfd) used as a child process's standard input.
enum MemoryFile {
    /// A descriptor of a new in-memory file holding `bytes`, positioned at its start.
    static func holding(_ bytes: [UInt8]) throws -> FileDescriptor {
        let raw = pallet_memory_file("pallet-stream")
        guard raw >= 0 else { throw Errno(rawValue: errno) }
        let descriptor = FileDescriptor(rawValue: raw)
        do {
            _ = try descriptor.writeAll(bytes)
            _ = try descriptor.seek(offset: 0, from: .start)
        } catch {
            try? descriptor.close()
            throw error
        }
        return descriptor
    }
}
