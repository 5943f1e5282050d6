import PalletContract
import PalletSpec

/// The lines one step adds to `run.sh`, with the payload files and secrets it needs.
struct StepScript {
    /// Bash lines that perform the action (between `pallet_step` and `pallet_step_end`).
    var lines: [String] = []
    /// Payload files the lines refer to.
    var payloads: [BundleFile] = []
    /// Secrets the lines expect the executor to deliver.
    var secrets: [SecretReference] = []
    /// The prefix for this step's payload names, such as `files/3` or `files/h-reload-1`.
    let payloadPrefix: String
    /// The bundle's payloads so far, by the SHA-256 of their content: identical bytes are stored
    /// once per bundle, and a later step refers to the first one's file. (A digest, not the bytes,
    /// is the key: hashing bytes one by one into a `Hasher` is far slower.)
    var stored: [[UInt8]: String] = [:]
    /// The SHA-256 of each payload of the bundle so far, by its bundle path (for the step's fingerprint).
    var digestsByPath: [String: [UInt8]] = [:]

    /// Adds a payload named after `base` (made safe as a file name) and returns its bundle path.
    mutating func addPayload(_ bytes: [UInt8], named base: String) -> String {
        let key = SHA256.digest(bytes)
        if let path = stored[key] { return path }
        var safe = String(base.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        })
        if safe.count > 40 { safe = String(safe.prefix(40)) }
        if safe.isEmpty || safe.hasPrefix(".") { safe = "_" + safe }
        let name = "\(payloadPrefix)-\(safe)"
        payloads.append(BundleFile(path: name, bytes: bytes))
        stored[key] = name
        digestsByPath[name] = key
        return name
    }
}
