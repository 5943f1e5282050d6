import PalletContract

/// The fingerprint of what one step does on a node, for the bundle's step list (`<phase>.steps.json`) and `pallet diff`.
///
/// It hashes the action's keyword, its summary, the bash lines that perform it (with each
/// payload file's bundle path, such as `files/3-motd`, replaced by the SHA-256 of its content)
/// and the handlers it notifies (a vendored package transaction's `vendor.list`, which names
/// the locked versions, counts as one of its payloads). Step numbers and spec origins appear only in comments, payload
/// names and the `pallet_step` line, none of which it covers: a step moved in the specs, or
/// shifted by a step added before it, keeps its fingerprint.
enum StepFingerprint {
    /// `sha256:<hex>` for `step`, emitted as `lines`, whose payloads have the digests `payloadDigests`.
    static func of(_ step: PlanStep, lines: [String], payloadDigests: [String: [UInt8]]) -> String {
        var input: [UInt8] = Array(step.keyword.rawValue.utf8) + [0] + Array(step.summary.templateText.utf8) + [0]
        for line in lines {
            input += withPayloadDigests(Array(line.utf8), payloadDigests)
            input.append(UInt8(ascii: "\n"))
        }
        input.append(0)
        for handler in step.notify { input += Array(handler.utf8) + [0] }
        return "sha256:" + SHA256.hexDigest(input)
    }

    /// `line` with every single-quoted payload path that `payloadDigests` knows (such as
    /// `'files/3-motd'` or `'vendor.list'`) replaced by `'sha256:<hex>'` of its content.
    static func withPayloadDigests(_ line: [UInt8], _ payloadDigests: [String: [UInt8]]) -> [UInt8] {
        let quote = UInt8(ascii: "'")
        var result: [UInt8] = []
        result.reserveCapacity(line.count)
        var index = 0
        while index < line.count {
            if line[index] == quote, let end = line[(index + 1)...].firstIndex(of: quote),
               let digest = payloadDigests[String(decoding: line[(index + 1)..<end], as: UTF8.self)] {
                result += Array("'sha256:\(Hex.encode(digest))'".utf8)
                index = end + 1
            } else {
                result.append(line[index])
                index += 1
            }
        }
        return result
    }
}
