import Foundation

/// The user's own configuration, `~/.pallet/config.yaml` (or `$PALLET_HOME/config.yaml`): settings
/// of the control host that never shape `out/`.
///
/// `out/` depends on the repository alone, so the same specs give the same bytes in every home.
/// The configuration is therefore never merged into the specs and never enters the inputs digest;
/// it holds only what `pallet apply`, `lift` and `destroy` read at run time:
///
/// - `vboxmanage`: the VBoxManage binary the provisioning scripts run (`$VBOXMANAGE` wins).
///
/// Everything else is what the executor takes from `out/` (the admin user and its key path, the
/// nodes), from the project (`.pallet/known_hosts`) or is fixed (`/usr/bin/ssh`). A spec section
/// (`admin-user`, `services`, ...) or a `services/` folder of service files is a located error
/// saying to move it into the project's `specs/`.
public struct UserConfig {
    /// The keys the configuration may hold.
    public static let keys = ["vboxmanage"]

    /// What the configuration sets.
    public struct Settings: Equatable, Sendable {
        /// The VBoxManage binary, `~/` not yet expanded; nil when not set.
        public var vboxmanage: String?

        /// No setting.
        public init(vboxmanage: String? = nil) {
            self.vboxmanage = vboxmanage
        }

        /// The value `VBOXMANAGE` takes for the provisioning scripts (`~/` expanded with `home`):
        /// nil when nothing is configured or `environment` sets `VBOXMANAGE` already (it wins).
        public func vboxmanageVariable(environment: [String: String], home: String) -> String? {
            guard let vboxmanage, environment["VBOXMANAGE"] == nil else { return nil }
            return UserHome.expand(vboxmanage, home: home)
        }
    }

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

    /// The path used in locations: `~/...` when under the home folder.
    func displayPath(_ path: String) -> String {
        let home = NSHomeDirectory()
        return path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
    }

    /// Reads and checks the configuration, reporting every problem into `diagnostics` at its
    /// file:line:column; a missing file is no setting.
    public func read(diagnostics: Diagnostics) -> Settings {
        rejectServiceFiles(diagnostics: diagnostics)
        let path = directory + "/config.yaml"
        guard let data = FileManager.default.contents(atPath: path) else { return Settings() }
        let shown = displayPath(path)
        let reader = FieldReader(diagnostics: diagnostics)
        guard let root = YAMLLoader(file: shown).load([UInt8](data), diagnostics: diagnostics), !root.isNull else { return Settings() }
        guard case .mapping(let pairs) = root.content else {
            diagnostics.error(root.location, "the user configuration \(shown) must be a mapping, found \(root.kindDescription)")
            return Settings()
        }
        var settings = Settings()
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content else {
                diagnostics.error(pair.key.location, "keys of the user configuration \(shown) must be strings")
                continue
            }
            switch key {
            case "vboxmanage":
                settings.vboxmanage = reader.string(pair.value, context: "'vboxmanage' in \(shown)")?.value
            case _ where SpecKeys.sections.contains(key):
                diagnostics.error(pair.key.location, "'\(key.debugEscaped)' in the user configuration \(shown) would make out/ depend on "
                    + "this home folder; move it into the project's specs/ (the user configuration holds only \(Self.keys.joined(separator: ", ")))")
            default:
                let hint = Suggestion.hint(for: key, in: Self.keys)
                diagnostics.error(pair.key.location, "unknown key '\(key.debugEscaped)' in the user configuration \(shown) "
                    + "(it holds only \(Self.keys.joined(separator: ", ")): settings that never shape out/)\(hint)")
            }
        }
        return settings
    }

    /// Reports each service of a `services/*.yaml` file (a former place for personal services):
    /// services shape out/, so they belong in the project.
    func rejectServiceFiles(diagnostics: Diagnostics) {
        let folder = directory + "/services"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let shown = displayPath(path)
            let advice = "services shape out/, so they cannot live in the user configuration; move it into the project's specs/ (under services:)"
            guard let root = YAMLLoader(file: shown).load([UInt8](data), diagnostics: diagnostics) else { continue }
            guard case .mapping(let pairs) = root.content, !pairs.isEmpty else {
                diagnostics.error(root.location, "\(shown) is a service file of the user configuration; \(advice)")
                continue
            }
            for pair in pairs {
                var key = "?"
                if case .scalar(let text, _) = pair.key.content { key = text }
                diagnostics.error(pair.key.location, "service '\(key.debugEscaped)' in the user configuration \(shown): \(advice)")
            }
        }
    }
}
