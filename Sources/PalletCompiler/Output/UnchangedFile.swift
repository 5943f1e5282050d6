import Glibc
import PalletContract

/// Decides whether a file already on disk holds exactly what the new tree wants at that path.
enum UnchangedFile {
    /// Whether `path` is a regular file with the same permission bits and bytes as `file`.
    static func matches(_ path: String, _ file: OutputTree.File) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              UInt32(info.st_mode & 0o7777) == file.mode, Int(info.st_size) == file.bytes.count else { return false }
        return file.bytes.withUnsafeBytes { expected in
            var offset = 0
            var chunk = [UInt8](repeating: 0, count: 65536)
            return chunk.withUnsafeMutableBytes { buffer in
                while offset < expected.count {
                    let count = read(fd, buffer.baseAddress, min(buffer.count, expected.count - offset))
                    if count < 0, errno == EINTR { continue }
                    guard count > 0, let want = expected.baseAddress, let got = buffer.baseAddress,
                          memcmp(want + offset, got, count) == 0 else { return false }
                    offset += count
                }
                // The size matched; a longer file (grown since fstat) is caught by the next read.
                var extra: UInt8 = 0
                return read(fd, &extra, 1) == 0
            }
        }
    }
}
