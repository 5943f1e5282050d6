import Subprocess

/// A package file's own name, version and architecture, as `dpkg-deb -f FILE Package Version
/// Architecture` reads them from its control file (never from the file's name).
struct DebFields {
    var name: String
    var version: String
    var architecture: String

    /// Reads the fields of the file at `path`.
    static func read(_ path: String) async throws -> DebFields {
        let result = try await Subprocess.run(
            .name("dpkg-deb"), arguments: ["-f", path, "Package", "Version", "Architecture"],
            environment: .inherit.updating(["LC_ALL": "C"]),
            input: .none, output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        guard case .exited(0) = result.terminationStatus, let fields = parse(result.standardOutput) else {
            throw VendorError("dpkg-deb cannot read the control fields of \(path): \(result.standardError)")
        }
        return fields
    }

    /// The fields from `Key: value` lines.
    static func parse(_ output: String) -> DebFields? {
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingPrefixSpaces
        }
        guard let name = fields["Package"], let version = fields["Version"], let architecture = fields["Architecture"],
              VendorRequest.isValid(name), VendorRequest.isValid("\(name)=\(version)"), !architecture.isEmpty,
              architecture.unicodeScalars.allSatisfy({ VendorRequest.isLowerAlphanumeric($0) || $0 == "-" }) else { return nil }
        return DebFields(name: name, version: version, architecture: architecture)
    }
}

extension Substring {
    /// The text without its leading spaces.
    var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
