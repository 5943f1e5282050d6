import Foundation
import PalletSpec

/// Runs `/usr/bin/ssh-keygen` for ``PlanSignature``: signing a listing (`-Y sign`), finding its
/// signer (`-Y find-principals`) and verifying it (`-Y verify`), each in a private folder.
enum SSHKeygen {
    /// A fresh 0700 folder for ssh-keygen's files.
    static func privateFolder() throws -> String {
        guard let folder = PrivateFolder.create(in: NSTemporaryDirectory(), prefix: "pallet-sign.") else {
            throw PlanSignature.SignatureError(description: "cannot create a private temporary folder")
        }
        return folder
    }

    /// Runs `ssh-keygen` with `arguments`; its standard error is collected, its standard input is
    /// `input` or the terminal (for a key's passphrase).
    static func run(_ arguments: [String], input: [UInt8]?) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        do {
            try process.run()
        } catch {
            throw PlanSignature.SignatureError(description: "cannot run /usr/bin/ssh-keygen (package openssh-client): \(error)")
        }
        if let stdin, let input {
            // Listings are small; the write happens on another thread so a full pipe never blocks the reads below.
            let writer = stdin.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(Data(input))
                try? writer.close()
            }
        }
        // Standard error is read on its own thread, so neither pipe can fill up and block ssh-keygen.
        let errorReader = error.fileHandleForReading
        let errorBox = ErrorBox()
        let reading = Thread {
            errorBox.data = errorReader.readDataToEndOfFile()
            errorBox.done.signal()
        }
        reading.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        errorBox.done.wait()
        let errorData = errorBox.data
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }
}

/// What the standard-error reader thread of ``SSHKeygen/run(_:input:)`` collected; read only after `done`.
private final class ErrorBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
