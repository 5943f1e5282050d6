import Foundation
import PalletSpec

/// A throwaway project folder for a test, with spec files written into it.
public struct TemporaryProject: Sendable {
    /// The project's root folder.
    public let root: String

    /// Creates an empty project folder under the system's temporary folder (and gives the test
    /// process its own home, ``TestHome``, if it has none yet).
    public init() throws {
        TestHome.activate()
        guard let folder = PrivateFolder.create(in: "/tmp", prefix: "pallet-test.") else { throw TestSupportError("mkdtemp failed") }
        root = folder
    }

    /// Creates a project holding `files` (project-relative path to text).
    public init(files: [String: String]) throws {
        try self.init()
        for (path, text) in files { try write(path, text) }
    }

    /// Writes a text file at a project-relative path, creating folders as needed.
    public func write(_ path: String, _ text: String) throws {
        try write(path, bytes: Array(text.utf8))
    }

    /// Writes a file at a project-relative path, creating folders as needed.
    public func write(_ path: String, bytes: [UInt8]) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else { throw TestSupportError("cannot write \(full)") }
    }

    /// Reads a project-relative file as text.
    public func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { throw TestSupportError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether a project-relative path exists.
    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root + "/" + path)
    }

    /// Removes the project folder.
    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// A failure in test support code.
public struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error with a message.
    public init(_ description: String) {
        self.description = description
    }
}
