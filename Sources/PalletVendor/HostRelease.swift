import Foundation

/// The control host's OS release, `ID-VERSION_ID` of its `/etc/os-release` (`debian-12`): when a
/// target has it, the control host's own apt sources serve that target.
public enum HostRelease {
    /// The release `/etc/os-release` (or `path`) names, or nil when it names none.
    public static func read(path: String = "/etc/os-release") -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// `ID-VERSION_ID` from an os-release text, values unquoted.
    public static func parse(_ text: String) -> String? {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = line[line.index(after: equals)...]
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = value.dropFirst().dropLast()
            }
            fields[String(line[..<equals])] = String(value)
        }
        guard let id = fields["ID"], let version = fields["VERSION_ID"], !id.isEmpty, !version.isEmpty else { return nil }
        return "\(id)-\(version)"
    }
}
