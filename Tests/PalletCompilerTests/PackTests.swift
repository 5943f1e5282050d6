import Foundation
@testable import PalletContract
import PalletTestSupport
import Testing

@testable import PalletCompiler

// MARK: - Helpers

private func packRandomBytes(_ count: Int, using generator: inout SeededRandom) -> [UInt8] {
    (0 ..< count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

private struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an external tool to completion and captures its output.
private func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    process.environment = env
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolResult(
        status: process.terminationStatus,
        stdout: String(decoding: out, as: UTF8.self),
        stderr: String(decoding: err, as: UTF8.self)
    )
}

/// Creates a fresh temporary directory, passes it to `body` and removes it afterwards.
private func withPackScratchDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pack-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

private let sha256sumPath = "/usr/bin/sha256sum"
private let tarPath = ["/usr/bin/tar", "/bin/tar"].first { FileManager.default.isExecutableFile(atPath: $0) }
private let haveSha256sum = FileManager.default.isExecutableFile(atPath: sha256sumPath)
/// GNU tar specifically: the listing format checked below is GNU's (bsdtar prints differently).
private let haveTar: Bool = {
    guard let tarPath, let version = try? runTool(tarPath, ["--version"]) else {
        return false
    }
    return version.stdout.contains("GNU tar")
}()

/// Environment for GNU tar so its listing does not depend on the machine's locale or time zone.
private let tarEnvironment = ["LC_ALL": "C.UTF-8", "TZ": "UTC"]

// MARK: - SHA-256

@Suite("SHA256")
struct SHA256Tests {
    @Test("Standard test vectors")
    func knownVectors() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hexDigest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        #expect(
            SHA256.hexDigest(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8
            ) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        )
        let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexDigest(millionA) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("Digest is 32 bytes and hex is its 64-character lowercase form")
    func digestShape() {
        let digest = SHA256.digest("abc".utf8)
        #expect(digest.count == 32)
        #expect(digest.prefix(4) == [0xba, 0x78, 0x16, 0xbf])
        let hex = SHA256.hexDigest("abc".utf8)
        #expect(hex.utf8.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(hex == Hex.encode(digest))
    }

    @Test("Hex writes each byte as two lowercase digits, most significant first")
    func hexEncoding() {
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0x0a, 0x7f, 0xa0, 0xff]) == "000a7fa0ff")
        #expect(Hex.encode(UInt8(0x0b)) == "0b")
        #expect(Hex.encode(Array(0 ... 255)).count == 512)
    }

    @Test("Random buffers of many lengths match sha256sum", .enabled(if: haveSha256sum, "needs /usr/bin/sha256sum"))
    func matchesCoreutils() throws {
        var generator = SeededRandom(seed: 0x5a17_2024)
        var lengths = Array(0 ... 200)
        lengths += [255, 256, 511, 512, 1000, 4095, 4096, 4097, 65_536 + 7, 1_000_003]
        let buffers = lengths.map { packRandomBytes($0, using: &generator) }
        try withPackScratchDirectory { directory in
            var paths: [String] = []
            for (index, buffer) in buffers.enumerated() {
                let url = directory.appendingPathComponent("buffer-\(index).bin")
                try Data(buffer).write(to: url)
                paths.append(url.path)
            }
            let result = try runTool(sha256sumPath, paths)
            #expect(result.status == 0, "sha256sum failed: \(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            try #require(lines.count == buffers.count)
            for (index, line) in lines.enumerated() {
                let expected = String(line.prefix(64))
                #expect(
                    SHA256.hexDigest(buffers[index]) == expected,
                    "length \(lengths[index]) differs from sha256sum"
                )
            }
        }
    }

    @Test("Incremental updates in odd-sized chunks equal one-shot hashing")
    func incrementalEqualsOneShot() {
        var generator = SeededRandom(seed: 42)
        let message = packRandomBytes(50_000, using: &generator)
        let expected = SHA256.digest(message)
        for chunkSizes in [[1], [3, 7, 13], [63, 64, 65], [127, 1, 200, 5], [1000, 333], [4096]] {
            var hasher = SHA256()
            var offset = 0
            var turn = 0
            while offset < message.count {
                let size = min(chunkSizes[turn % chunkSizes.count], message.count - offset)
                // Rotate through the supported input shapes so every path is exercised.
                switch turn % 4 {
                case 0: hasher.update(Array(message[offset ..< offset + size]))
                case 1: hasher.update(message[offset ..< offset + size])
                case 2: message[offset ..< offset + size].withUnsafeBytes { hasher.update($0) }
                default: hasher.update(message[offset ..< offset + size].lazy.map { $0 })
                }
                offset += size
                turn += 1
            }
            #expect(hasher.finalize() == expected, "chunk sizes \(chunkSizes)")
        }
    }

    @Test("Non-contiguous sequences hash like arrays")
    func nonContiguousSequence() {
        let bytes = (0 ..< 10_000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(SHA256.digest(bytes) == SHA256.digest(Array(bytes)))
        #expect(SHA256.digest(stride(from: 0, to: 256, by: 1).lazy.map { UInt8($0) }) == SHA256.digest(Array(0 ... 255)))
    }

    @Test("finalize resets the hasher and copies fork the state")
    func resetAndCopy() {
        var hasher = SHA256()
        hasher.update("ab".utf8)
        var fork = hasher
        hasher.update("c".utf8)
        fork.update("d".utf8)
        #expect(Hex.encode(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(fork.finalize() == SHA256.digest("abd".utf8))
        #expect(Hex.encode(hasher.finalize()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

// MARK: - Tar

/// Entries used by several tar tests, deliberately out of order and missing some parents.
private let packSampleEntries: [TarEntry] = [
    TarEntry(path: "etc/app/config.yaml", kind: .file(Array("key: value\n".utf8)), mode: 0o644),
    TarEntry(path: "bin/run", kind: .file(Array("#!/bin/sh\necho hi\n".utf8)), mode: 0o755),
    TarEntry(path: "etc", kind: .directory, mode: 0o750),
    TarEntry(path: "docs/with space.txt", kind: .file(Array("spaced\n".utf8)), mode: 0o600),
    TarEntry(path: "docs/ünïcödé 文件.txt", kind: .file(Array("unicode\n".utf8)), mode: 0o640),
    TarEntry(path: "var/empty", kind: .directory, mode: 0o700),
    TarEntry(path: "empty-file", kind: .file([]), mode: 0o444),
]

/// What `read` must return for `packSampleEntries`: sorted by UTF-8 bytes, parents explicit.
private let packSampleExpectedRead: [TarEntry] = [
    TarEntry(path: "bin", kind: .directory, mode: 0o755),
    TarEntry(path: "bin/run", kind: .file(Array("#!/bin/sh\necho hi\n".utf8)), mode: 0o755),
    TarEntry(path: "docs", kind: .directory, mode: 0o755),
    TarEntry(path: "docs/with space.txt", kind: .file(Array("spaced\n".utf8)), mode: 0o600),
    TarEntry(path: "docs/ünïcödé 文件.txt", kind: .file(Array("unicode\n".utf8)), mode: 0o640),
    TarEntry(path: "empty-file", kind: .file([]), mode: 0o444),
    TarEntry(path: "etc", kind: .directory, mode: 0o750),
    TarEntry(path: "etc/app", kind: .directory, mode: 0o755),
    TarEntry(path: "etc/app/config.yaml", kind: .file(Array("key: value\n".utf8)), mode: 0o644),
    TarEntry(path: "var", kind: .directory, mode: 0o755),
    TarEntry(path: "var/empty", kind: .directory, mode: 0o700),
]

/// Writes an archive to a temporary file and runs GNU tar on it.
private func runGNUTar(on archive: [UInt8], _ arguments: [String]) throws -> ToolResult {
    let tar = try #require(tarPath)
    return try withPackScratchDirectory { directory in
        let url = directory.appendingPathComponent("archive.tar")
        try Data(archive).write(to: url)
        return try runTool(tar, arguments + ["-f", url.path], environment: tarEnvironment)
    }
}

@Suite("TarArchive")
struct TarArchiveTests {
    @Test("The same entries in any order give identical bytes")
    func orderIndependent() throws {
        let reference = try TarArchive.make(packSampleEntries)
        #expect(reference.count % 512 == 0)
        #expect(try TarArchive.make(packSampleEntries) == reference)
        var generator = SeededRandom(seed: 7)
        for _ in 0 ..< 20 {
            #expect(try TarArchive.make(packSampleEntries.shuffled(using: &generator)) == reference)
        }
        // Adding a parent explicitly with the default mode changes nothing.
        #expect(try TarArchive.make(packSampleEntries + [TarEntry(path: "etc/app", kind: .directory, mode: 0o755)]) == reference)
    }

    @Test("Archives are byte-identical across runs and machines (golden hash)")
    func goldenHash() throws {
        // Pins the exact bytes: a change means archives built elsewhere would differ too (for
        // example a libarchive upgrade that changes header layout). Built with mtime 0.
        let archive = try TarArchive.make(packSampleEntries, modificationTime: 0)
        #expect(archive.count == 9728)
        #expect(SHA256.hexDigest(archive) == "16f611353dc4cd5f5d706cfbd0d7ba81186b1718058b9713437b7871e41422e7")
    }

    @Test("GNU tar lists root ownership, given modes, epoch mtime and explicit parents", .enabled(if: haveTar, "needs GNU tar"))
    func gnuTarListing() throws {
        let archive = try TarArchive.make(packSampleEntries, modificationTime: 0)
        let result = try runGNUTar(on: archive, ["-tv"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "tar warnings: \(result.stderr)")
        let expected = [
            "drwxr-xr-x root/root 0 1970-01-01 00:00 bin/",
            "-rwxr-xr-x root/root 18 1970-01-01 00:00 bin/run",
            "drwxr-xr-x root/root 0 1970-01-01 00:00 docs/",
            "-rw------- root/root 7 1970-01-01 00:00 docs/with space.txt",
            "-rw-r----- root/root 8 1970-01-01 00:00 docs/ünïcödé 文件.txt",
            "-r--r--r-- root/root 0 1970-01-01 00:00 empty-file",
            "drwxr-x--- root/root 0 1970-01-01 00:00 etc/",
            "drwxr-xr-x root/root 0 1970-01-01 00:00 etc/app/",
            "-rw-r--r-- root/root 11 1970-01-01 00:00 etc/app/config.yaml",
            "drwxr-xr-x root/root 0 1970-01-01 00:00 var/",
            "drwx------ root/root 0 1970-01-01 00:00 var/empty/",
        ]
        // Collapse the column padding of the first five fields; the name keeps its spaces.
        let lines = result.stdout.split(separator: "\n").map { line in
            line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true).joined(separator: " ")
        }
        #expect(lines == expected)

        let numeric = try runGNUTar(on: archive, ["-tv", "--numeric-owner"])
        #expect(numeric.stdout.split(separator: "\n").allSatisfy { $0.contains(" 0/0 ") })
    }

    @Test("GNU tar extracts non-ASCII and space-containing names", .enabled(if: haveTar, "needs GNU tar"))
    func gnuTarExtractsContents() throws {
        let archive = try TarArchive.make(packSampleEntries)
        let unicode = try runGNUTar(on: archive, ["-xO", "docs/ünïcödé 文件.txt"])
        #expect(unicode.status == 0, "\(unicode.stderr)")
        #expect(unicode.stdout == "unicode\n")
        let spaced = try runGNUTar(on: archive, ["-xO", "docs/with space.txt"])
        #expect(spaced.stdout == "spaced\n")
    }

    @Test("SOURCE_DATE_EPOCH-style modification times are stored", .enabled(if: haveTar, "needs GNU tar"))
    func modificationTime() throws {
        let archive = try TarArchive.make([TarEntry(path: "a", kind: .file([1]), mode: 0o644)], modificationTime: 1_700_000_000)
        let result = try runGNUTar(on: archive, ["-tv", "--full-time"])
        #expect(result.stdout.contains("2023-11-14 22:13:20 a"), "\(result.stdout)")
    }

    @Test("SOURCE_DATE_EPOCH parsing accepts only non-negative integers")
    func sourceDateEpochParsing() {
        #expect(TarArchive.sourceDateEpoch(nil) == 0)
        #expect(TarArchive.sourceDateEpoch("") == 0)
        #expect(TarArchive.sourceDateEpoch("1700000000") == 1_700_000_000)
        #expect(TarArchive.sourceDateEpoch("0") == 0)
        #expect(TarArchive.sourceDateEpoch("-5") == 0)
        #expect(TarArchive.sourceDateEpoch(" 12") == 0)
        #expect(TarArchive.sourceDateEpoch("12abc") == 0)
        #expect(TarArchive.sourceDateEpoch("99999999999999999999999") == 0)
        let environment = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"]
        #expect(TarArchive.defaultModificationTime == TarArchive.sourceDateEpoch(environment))
    }

    @Test("read round-trips paths, contents and modes")
    func roundTrip() throws {
        let archive = try TarArchive.make(packSampleEntries)
        #expect(try TarArchive.read(archive) == packSampleExpectedRead)
    }

    @Test("Long paths and large files round-trip")
    func longPathsAndLargeFiles() throws {
        var generator = SeededRandom(seed: 99)
        let deep = Array(repeating: "directory-name", count: 20).joined(separator: "/")
        let longName = String(repeating: "n", count: 150)
        let large = packRandomBytes(1_000_000 + 123, using: &generator)
        let entries = [
            TarEntry(path: "\(deep)/\(longName)", kind: .file([1, 2, 3]), mode: 0o644),
            TarEntry(path: "big.bin", kind: .file(large), mode: 0o600),
            TarEntry(path: String(repeating: "é", count: 80), kind: .file([4]), mode: 0o644),
            TarEntry(path: "emoji/🚀 launch.txt", kind: .file([5]), mode: 0o644),
        ]
        let read = try TarArchive.read(TarArchive.make(entries))
        #expect(read.count == 25)
        for entry in entries {
            #expect(read.contains(entry), "missing \(entry.path.prefix(40))")
        }
    }

    @Test("Non-ASCII paths must be NFC and are stored byte for byte")
    func unicodeNormalization() throws {
        let precomposed = TarEntry(path: "caf\u{e9}/menu", kind: .file([1]), mode: 0o644)
        let read = try TarArchive.read(TarArchive.make([precomposed]))
        #expect(read.map { Array($0.path.utf8) } == [Array("caf\u{e9}".utf8), Array("caf\u{e9}/menu".utf8)])

        // The decomposed spelling would be silently rewritten to NFC by libarchive's reader,
        // so it is rejected instead of producing names that differ from the caller's.
        let decomposed = TarEntry(path: "cafe\u{301}/menu", kind: .file([1]), mode: 0o644)
        let error = #expect(throws: TarArchiveError.self) { try TarArchive.make([decomposed]) }
        #expect(error?.description.contains("Normalization Form C") == true, "\(String(describing: error))")
        #expect(TarArchive.isNFC("caf\u{e9}"))
        #expect(!TarArchive.isNFC("cafe\u{301}"))
        #expect(TarArchive.isNFC("plain/ascii path"))
    }

    @Test(
        "Invalid paths are rejected with a clear message",
        arguments: [
            ("", "empty"),
            ("/etc/passwd", "absolute"),
            ("../escape", "\"..\""),
            ("a/../b", "\"..\""),
            ("a/..", "\"..\""),
            ("a//b", "empty component"),
            ("a/", "ends with"),
            ("./a", "\".\""),
            ("a/./b", "\".\""),
            ("a\u{0}b", "NUL"),
            // A combining mark after "/" joins it into one Character; tar still sees the "/".
            ("../\u{301}x", "\"..\""),
            ("/\u{301}etc", "absolute"),
            ("a/\u{301}/../b", "\"..\""),
        ]
    )
    func invalidPaths(path: String, reason: String) throws {
        let entries = [TarEntry(path: "ok", kind: .file([]), mode: 0o644), TarEntry(path: path, kind: .file([1]), mode: 0o644)]
        let error = #expect(throws: TarArchiveError.self) { try TarArchive.make(entries) }
        guard case .invalidPath(let reported, _) = error else {
            Issue.record("expected invalidPath, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        let message = try #require(error?.description)
        #expect(message.contains(reason), "\(message)")
        #expect(message.contains(String(reflecting: path)), "\(message)")
        #expect(error?.localizedDescription == message)
    }

    @Test("Duplicates, files used as directories and bad modes are rejected")
    func structuralErrors() throws {
        #expect(throws: TarArchiveError.duplicatePath("a/b")) {
            try TarArchive.make([
                TarEntry(path: "a/b", kind: .file([1]), mode: 0o644),
                TarEntry(path: "a/b", kind: .directory, mode: 0o755),
            ])
        }
        #expect(throws: TarArchiveError.parentIsNotDirectory(parent: "a", child: "a/b/c")) {
            try TarArchive.make([
                TarEntry(path: "a/b/c", kind: .file([1]), mode: 0o644),
                TarEntry(path: "a", kind: .file([2]), mode: 0o644),
            ])
        }
        #expect(throws: TarArchiveError.invalidMode("x", mode: 0o100644)) {
            try TarArchive.make([TarEntry(path: "x", kind: .file([]), mode: 0o100644)])
        }
        #expect(TarArchiveError.duplicatePath("a/b").description == "duplicate tar entry path \"a/b\"")
        // The reported error does not depend on input order.
        let conflicting = [
            TarEntry(path: "z", kind: .file([]), mode: 0o644),
            TarEntry(path: "z", kind: .file([]), mode: 0o600),
            TarEntry(path: "b", kind: .file([]), mode: 0o644),
            TarEntry(path: "b", kind: .file([]), mode: 0o644),
        ]
        #expect(throws: TarArchiveError.duplicatePath("b")) { try TarArchive.make(conflicting) }
        #expect(throws: TarArchiveError.duplicatePath("b")) { try TarArchive.make(conflicting.reversed()) }
    }

    @Test("Empty archives and garbage input")
    func emptyAndGarbage() throws {
        let empty = try TarArchive.make([])
        #expect(empty == [UInt8](repeating: 0, count: 1024))
        #expect(try TarArchive.read(empty).isEmpty)
        #expect(try TarArchive.read([]).isEmpty)
        #expect(throws: TarArchiveError.self) {
            try TarArchive.read(Array("this is not a tar archive, just some text that is long enough".utf8) + [UInt8](repeating: 7, count: 600))
        }
    }

    @Test("Archives written by GNU tar can be read", .enabled(if: haveTar, "needs GNU tar"))
    func readsGnuTarArchives() throws {
        let tar = try #require(tarPath)
        try withPackScratchDirectory { directory in
            let root = directory.appendingPathComponent("root")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try Data("gnu\n".utf8).write(to: root.appendingPathComponent("sub/file.txt"))
            try FileManager.default.setAttributes([.posixPermissions: 0o751], ofItemAtPath: root.appendingPathComponent("sub").path)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: root.appendingPathComponent("sub/file.txt").path)
            let output = directory.appendingPathComponent("gnu.tar")
            let result = try runTool(tar, ["-cf", output.path, "-C", root.path, "sub"], environment: tarEnvironment)
            #expect(result.status == 0, "\(result.stderr)")
            let entries = try TarArchive.read(Array(Data(contentsOf: output)))
            #expect(entries == [
                TarEntry(path: "sub", kind: .directory, mode: 0o751),
                TarEntry(path: "sub/file.txt", kind: .file(Array("gnu\n".utf8)), mode: 0o640),
            ])
        }
    }

    @Test("Concurrent builds on many threads give identical bytes")
    func concurrentBuilds() async throws {
        let reference = try TarArchive.make(packSampleEntries)
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0 ..< 16 {
                group.addTask { try TarArchive.make(packSampleEntries) }
            }
            var collected: [[UInt8]] = []
            for try await bytes in group {
                collected.append(bytes)
            }
            return collected
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == reference })
    }

    @Test("Output does not depend on the thread's locale", arguments: ["C", "POSIX", "C.UTF-8"])
    func localeIndependent(localeName: String) throws {
        let reference = try TarArchive.make(packSampleEntries, modificationTime: 0)
        let locale = try #require(newlocale(LC_CTYPE_MASK, localeName, nil))
        defer { freelocale(locale) }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        let archive = try TarArchive.make(packSampleEntries, modificationTime: 0)
        #expect(archive == reference)
        #expect(try TarArchive.read(archive) == packSampleExpectedRead)
    }

    @Test("Building and reading leave the thread's locale untouched")
    func localeRestored() throws {
        let before = uselocale(nil)
        _ = try TarArchive.read(TarArchive.make(packSampleEntries))
        #expect(uselocale(nil) == before)
    }
}
