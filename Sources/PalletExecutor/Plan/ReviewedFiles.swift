import Foundation

/// Reads the files of a reviewed `out/` folder exactly as they are: regular files only.
enum ReviewedFiles {
    /// A file of `out/` that cannot be read as a reviewed file.
    struct ReadError: Error, CustomStringConvertible {
        /// What is wrong, naming the file.
        var description: String
    }

    /// Every regular file under `directory`, by path relative to it, sorted by the paths' UTF-8 bytes.
    ///
    /// - Throws: ``ReadError`` when an entry is neither a regular file nor a
    ///   folder (a symbolic link, say: what it points to was never reviewed), when a path holds a
    ///   line break, or when a file cannot be read.
    static func all(in directory: String) throws -> [(path: String, bytes: [UInt8])] {
        var files: [(path: String, bytes: [UInt8])] = []
        try collect(directory, prefix: "", into: &files)
        return files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// Adds the files under `directory/prefix` to `files`.
    static func collect(_ directory: String, prefix: String, into files: inout [(path: String, bytes: [UInt8])]) throws {
        let folder = prefix.isEmpty ? directory : directory + "/" + prefix
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw ReadError(description: "cannot list \(folder): \(error.localizedDescription)")
        }
        for name in names {
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            guard !relative.contains(where: \.isNewline) else {
                throw ReadError(description: "\(directory)/ holds a file whose name has a line break: \(relative.debugDescription)")
            }
            var info = stat()
            guard lstat(directory + "/" + relative, &info) == 0 else {
                throw ReadError(description: "cannot read \(directory)/\(relative)")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try collect(directory, prefix: relative, into: &files)
            case S_IFREG:
                guard let data = FileManager.default.contents(atPath: directory + "/" + relative) else {
                    throw ReadError(description: "cannot read \(directory)/\(relative)")
                }
                files.append((relative, [UInt8](data)))
            default:
                throw ReadError(description: "\(directory)/\(relative) is not a regular file or folder; out/ holds only files pallet plan wrote")
            }
        }
    }
}
