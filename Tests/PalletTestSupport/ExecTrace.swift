import Foundation

/// One program start (`execve`) that strace recorded: who started what, with which arguments and
/// environment.
public struct ExecCall: Sendable, CustomStringConvertible {
    /// The process that called `execve` (as the tracer sees it).
    public var pid: Int
    /// The program path passed to `execve`.
    public var program: String
    /// The argument vector, decoded from strace's escapes.
    public var arguments: [String]
    /// The environment (`NAME=value` entries), decoded from strace's escapes.
    public var environment: [String]

    /// The command line as one string, for failure messages.
    public var description: String { "\(pid) \(program) \(arguments)" }
}

/// Every `execve` in a process tree, traced with `strace -f -e trace=execve -s 100000 -v`: the
/// programs started and their full argument vectors and environments, none missed however short
/// its life (sampling `/proc` can miss a process that lives less than the sampling period).
///
/// A trace of a command runs that command under strace (``command(_:file:)``); a trace of
/// running processes attaches to them (``attach(to:file:)``), such as a test host's sshd, and
/// then sees every session, shell and command it starts.
public final class ExecTrace: @unchecked Sendable {
    /// The file strace writes.
    public let file: String
    private let process: Process

    /// The options shared by both kinds of trace: follow forks, record only `execve`, strings in
    /// full, environments in full.
    static let options = ["-f", "-qq", "-v", "-e", "trace=execve", "-e", "signal=none", "-s", "100000"]

    private init(file: String, process: Process) {
        self.file = file
        self.process = process
    }

    /// The words that run `command` under strace, appending every `execve` of its process tree to
    /// `file`.
    public static func command(_ command: [String], file: String) -> [String] {
        ["strace"] + options + ["-A", "-o", file, "--"] + command
    }

    /// Attaches strace to the running processes `pids` and follows every process they start from
    /// now on, recording `syscalls` (`execve` by default); returns once strace has attached to all of them.
    ///
    /// - Throws: ``TestSupportError`` when strace does not attach within 10 seconds.
    public static func attach(to pids: [Int32], file: String, syscalls: [String] = ["execve"]) throws -> ExecTrace {
        let log = file + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        // The test process may start its children with signals blocked; strace keeps the mask it
        // starts with, and ``stop()`` ends it with SIGINT (which makes strace detach and flush its
        // file): so strace starts with an empty mask.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        // Not -qq here: the "attached" lines on stderr say when tracing has begun.
        let traced: [String] = options.filter { $0 != "-qq" }.map { (option: String) -> String in
            option == "trace=execve" ? "trace=" + syscalls.joined(separator: ",") : option
        }
        let targets: [String] = pids.flatMap { ["-p", String($0)] }
        let launcher = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
        process.arguments = ["-S", "-c", launcher, "/usr/bin/strace"] + traced + ["-o", file] + targets
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let trace = ExecTrace(file: file, process: process)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.components(separatedBy: " attached").count - 1 >= pids.count { return trace }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        _ = try? trace.stop()
        throw TestSupportError("strace did not attach to \(pids): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Detaches strace and returns every `execve` it recorded.
    ///
    /// - Throws: ``TestSupportError`` when strace does not end within 10 seconds of SIGINT (it is
    ///   then killed, and its file may lack its last lines).
    public func stop() throws -> [ExecCall] {
        if process.isRunning { process.interrupt() }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestSupportError("strace (pid \(process.processIdentifier)) did not stop on SIGINT")
        }
        return try Self.read(file)
    }

    /// The lines of the strace output `file` that contain `text`, such as `connect(` in a trace
    /// attached with `syscalls: ["execve", "connect"]`.
    public static func lines(_ file: String, containing text: String) throws -> [String] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// The `execve` calls recorded in the strace output `file`.
    public static func read(_ file: String) throws -> [ExecCall] {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { parse(String($0)) }
    }

    /// One strace line, `PID execve("PATH", ["ARG", …], ["NAME=VALUE", …]) = …`, or nil for
    /// any other line.
    static func parse(_ line: String) -> ExecCall? {
        let bytes = Array(line.utf8)
        // strace pads the pid with spaces to five columns.
        guard let pidEnd = bytes.firstIndex(of: UInt8(ascii: " ")), let pid = Int(String(decoding: bytes[..<pidEnd], as: UTF8.self)),
              let callStart = bytes[pidEnd...].firstIndex(where: { $0 != UInt8(ascii: " ") }) else { return nil }
        var reader = StraceReader(bytes: bytes, at: callStart)
        guard reader.skip("execve("), let program = reader.string(), reader.skip(", "), let arguments = reader.array() else { return nil }
        var environment: [String] = []
        if reader.skip(", "), let entries = reader.array() { environment = entries }
        return ExecCall(pid: pid, program: program, arguments: arguments, environment: environment)
    }
}

/// Reads strace's quoted strings and arrays of them, undoing its escapes.
private struct StraceReader {
    let bytes: [UInt8]
    var at: Int

    mutating func skip(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes.count - at >= expected.count, Array(bytes[at..<at + expected.count]) == expected else { return false }
        at += expected.count
        return true
    }

    /// `"…"` (with a `...` after it when strace cut it short).
    mutating func string() -> String? {
        guard skip("\"") else { return nil }
        var out: [UInt8] = []
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            if byte == UInt8(ascii: "\"") {
                _ = skip("...")
                return String(decoding: out, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\"), at < bytes.count else {
                out.append(byte)
                continue
            }
            let escape = bytes[at]
            at += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "x"):
                let digits = bytes[at..<min(at + 2, bytes.count)]
                at += digits.count
                out.append(UInt8(String(decoding: digits, as: UTF8.self), radix: 16) ?? 0)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escape - UInt8(ascii: "0"))
                var count = 1
                while count < 3, at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[at]) {
                    value = value * 8 + Int(bytes[at] - UInt8(ascii: "0"))
                    at += 1
                    count += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            default: out.append(escape)
            }
        }
        return nil
    }

    /// `["…", "…"]` (possibly ending in `...` when strace cut it short).
    mutating func array() -> [String]? {
        guard skip("[") else { return nil }
        var items: [String] = []
        if skip("]") { return items }
        while true {
            if skip("...") { return skip("]") ? items : nil }
            guard let item = string() else { return nil }
            items.append(item)
            if skip(", ") { continue }
            return skip("]") ? items : nil
        }
    }
}
