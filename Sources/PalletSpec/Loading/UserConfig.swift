import Foundation

/// The user's own configuration: `~/.pallet/config.yaml` (admin-user and services) and
/// `~/.pallet/services/*.yaml` (one service per top-level key), merged under the project's
/// specs: whatever the project defines wins, and only services the project's groups use are added.
public struct UserConfig {
    /// `$PALLET_HOME`, else `~/.pallet`.
    public static var defaultDirectory: String {
        ProcessInfo.processInfo.environment["PALLET_HOME"] ?? (NSHomeDirectory() + "/.pallet")
    }

    /// The folder.
    public let directory: String

    /// Creates a view of the configuration in `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// The path used in locations and the inputs digest: `~/...` when under the home folder.
    func displayPath(_ path: String) -> String {
        let home = NSHomeDirectory()
        return path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
    }

    /// Adds the user's admin user and services that the project does not define.
    func merge(into specs: inout SpecSet, reader: FieldReader, files: LocalFiles) {
        var user = SpecSet()
        let decoder = SpecFileDecoder(reader: reader, files: files)
        var documents: [(String, YAMLNode, Bool)] = []
        let config = directory + "/config.yaml"
        if let data = FileManager.default.contents(atPath: config) {
            let shown = displayPath(config)
            specs.inputs.append(InputFile(path: shown, bytes: [UInt8](data)))
            if let root = YAMLLoader(file: shown).load([UInt8](data), diagnostics: reader.diagnostics) { documents.append((shown, root, false)) }
        }
        let servicesFolder = directory + "/services"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: servicesFolder)) ?? []).sorted()
        where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = servicesFolder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let shown = displayPath(path)
            specs.inputs.append(InputFile(path: shown, bytes: [UInt8](data)))
            if let root = YAMLLoader(file: shown).load([UInt8](data), diagnostics: reader.diagnostics) { documents.append((shown, root, true)) }
        }
        for (_, root, isServiceFile) in documents {
            if isServiceFile {
                // A services file is the body of a services: section.
                decoder.decode(YAMLNode(.mapping([YAMLPair(key: YAMLNode(.scalar("services", plain: true), at: root.location), value: root)]),
                                        at: root.location), into: &user)
            } else if case .mapping(let pairs) = root.content {
                for pair in pairs {
                    guard case .scalar(let key, _) = pair.key.content else { continue }
                    if key != "admin-user" && key != "services" {
                        let hint = Suggestion.hint(for: key, in: ["admin-user", "services"])
                        reader.diagnostics.error(pair.key.location, "unknown key '\(key)' in the user configuration "
                            + "(it holds admin-user and services)\(hint)")
                    }
                }
                let kept = pairs.filter { pair in
                    if case .scalar(let key, _) = pair.key.content { return key == "admin-user" || key == "services" }
                    return false
                }
                decoder.decode(YAMLNode(.mapping(kept), at: root.location), into: &user)
            }
        }
        if specs.adminUser == nil { specs.adminUser = user.adminUser }
        // Only the services the project's groups use: a personal service list may name groups of
        // other projects.
        let used = Set(specs.groups.compactMap(\.service?.value))
        for service in user.services where specs.service(named: service.name.value) == nil && used.contains(service.name.value) {
            specs.services.append(service)
        }
    }
}
