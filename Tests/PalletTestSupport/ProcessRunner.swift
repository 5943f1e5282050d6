import Foundation

/// The outcome of a finished child process: its exit status and everything it printed.
public struct ProcessResult: Sendable {
    /// The exit status, or 128 plus the signal number when a signal ended the process.
    public var status: Int32
    /// Everything the process wrote to standard output.
    public var stdout: String
    /// Everything the process wrote to standard error.
    public var stderr: String

    /// Standard output and standard error together, for failure messages.
    public var combined: String { stdout + stderr }
}

/// Runs child processes for tests and collects their output.
public enum ProcessRunner {
    /// Runs `arguments[0]` (searched on PATH when it has no slash) with the rest as arguments, in
    /// the test home (``TestHome``: `HOME` and `PALLET_HOME`) unless `environment` sets them.
    ///
    /// - Parameters:
    ///   - arguments: The program and its arguments.
    ///   - directory: The working directory, or the current one when nil.
    ///   - environment: Variables to set on top of the current environment.
    ///   - stdin: Bytes fed to standard input; an empty standard input when nil.
    /// - Returns: The exit status and the captured output.
    @discardableResult
    public static func run(
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String] = [:],
        stdin: [UInt8]? = nil
    ) throws -> ProcessResult {
        TestHome.activate()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        // Feed standard input and read standard error on their own threads (not the shared
        // dispatch pool, which parallel tests can exhaust), so no pipe ever blocks the child.
        let writer = inPipe.fileHandleForWriting
        let writing = Thread {
            if let stdin { writer.write(Data(stdin)) }
            try? writer.close()
        }
        let errBox = DataBox()
        let errReader = errPipe.fileHandleForReading
        let reading = Thread {
            errBox.data = errReader.readDataToEndOfFile()
            errBox.done.signal()
        }
        writing.start()
        reading.start()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        errBox.done.wait()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessResult(
            status: status,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: errBox.data, as: UTF8.self)
        )
    }
}

/// A mutable box that lets a background reader hand its bytes back.
private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
