/// Every action of the spec language, with its options: the single source the decoder, the
/// emitter, the JSON schema and docs/actions.md agree on.
public enum ActionCatalog {
    /// The keys every action may carry beside its action key.
    public static let commonKeys = ["name", "notify", "when"]

    /// The actions, in documentation order (the order of ``ActionKeyword``).
    public static let all: [ActionSchema] = ActionKeyword.allCases.map(\.schema)

    /// The schema of the action written `keyword`, if there is one.
    public static func schema(_ keyword: String) -> ActionSchema? {
        ActionKeyword(rawValue: keyword)?.schema
    }

    static let packageState = OptionSpec("state", .choice(["present", "absent", "latest"]),
                                         "present installs when missing (or when the pinned version differs), latest upgrades, absent removes; default present.")

    static let packages = ActionSchema(
        .packages, help: "Installs, upgrades or removes packages with the node's package manager (apt or dnf).",
        shorthand: .option("names"), summary: "names",
        options: [
            OptionSpec("names", .packageList, required: true, "Package names, each optionally pinned as name=version."),
            packageState,
        ],
        validate: { options, diagnostics in noPinWithLatest(options, key: "names", diagnostics) })

    /// `state: latest` cannot go with a pinned version.
    static func noPinWithLatest(_ options: ActionOptions, key: String, _ diagnostics: Diagnostics) {
        guard options.literal("state") == "latest", case .list(let names)? = options[key] else { return }
        for name in names where name.source.contains("=") {
            diagnostics.error(name.location, "'\(name.source.debugEscaped)' pins a version, which contradicts state 'latest'")
        }
    }

    static let package = ActionSchema(
        .package, help: "One package; the same as packages with one name.",
        shorthand: .option("name"), summary: "name",
        options: [
            OptionSpec("name", .packageList, required: true, "The package name, optionally pinned as name=version."),
            packageState,
        ],
        validate: { options, diagnostics in
            if case .list(let names)? = options["name"], names.count != 1 {
                diagnostics.error(options.location(of: "name"), "'package' takes one name; use 'packages' for a list")
            }
            noPinWithLatest(options, key: "name", diagnostics)
        })

    static let packageSource = ActionSchema(
        .packageSource, help: "Adds an apt source (with its signing key shipped in the bundle) or a yum/dnf repository.",
        summary: "name",
        options: [
            OptionSpec("name", .name, required: true, "The source's file name under sources.list.d or yum.repos.d."),
            OptionSpec("url", .url, "apt: the repository URL."),
            OptionSpec("suites", .textList, "apt: the suites, such as bookworm; default the node's codename."),
            OptionSpec("components", .textList, "apt: the components; default main."),
            OptionSpec("key-file", .localFile, "apt: the repository's signing key (armored or binary), next to the spec."),
            OptionSpec("baseurl", .url, "yum/dnf: the repository's baseurl."),
            OptionSpec("gpgkey", .url, "yum/dnf: the URL of the repository's GPG key."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the source; default present."),
        ],
        validate: { options, diagnostics in
            options.exclusive(["url", "baseurl"], diagnostics)
            if options.literal("state") != "absent", !options.has("url"), !options.has("baseurl") {
                diagnostics.error(options.location, "'package-source' needs 'url' (apt) or 'baseurl' (yum/dnf)")
            }
            for key in ["suites", "components", "key-file"] where options.has(key) && options.has("baseurl") {
                diagnostics.error(options.location(of: key), "'\(key)' is an apt option; it cannot go with 'baseurl'")
            }
            if options.has("gpgkey"), options.has("url") {
                diagnostics.error(options.location(of: "gpgkey"), "'gpgkey' is a yum/dnf option; use 'key-file' with apt")
            }
            for key in ["suites", "components"] {
                guard case .list(let words)? = options[key] else { continue }
                for word in words {
                    guard let text = word.literalText else { continue }
                    if text.isEmpty || !text.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\"") }) {
                        diagnostics.error(word.location, "'\(key)' items must be single words without spaces, quotes or control characters, "
                            + "found '\(text.debugEscaped)'")
                    }
                }
            }
        })

    static let packageManager = ActionSchema(
        .packageManager, help: "Refreshes the package lists and sets the package manager's proxy.",
        summary: "proxy",
        options: [
            OptionSpec("update", .boolean, "Refresh the package lists when they are older than cache-valid-time."),
            OptionSpec("cache-valid-time", .integer(0...31_536_000), "Seconds the lists stay fresh; default 3600."),
            OptionSpec("proxy", .url, "An http proxy for apt (Acquire::http::Proxy) or dnf (proxy=)."),
        ],
        validate: { options, diagnostics in
            if !options.has("update"), !options.has("proxy") {
                diagnostics.error(options.location, "'package-manager' needs 'update' or 'proxy'")
            }
        })

    static let file = ActionSchema(
        .file, help: "Manages a file's content, owner, group and mode atomically, or removes it.",
        summary: "path",
        options: [
            OptionSpec("path", .path, required: true, "The file's absolute path on the node."),
            OptionSpec("content", .content, "The content: text, or {secret: {env: NAME}} / {secret: {file: PATH}}."),
            OptionSpec("source", .localFile, "A file next to the spec whose bytes become the content."),
            OptionSpec("template", .localFile, "A file next to the spec rendered with {{ var }} from vars and the group."),
            OptionSpec("vars", .vars, "Variables for template, over the group's."),
            OptionSpec("url", .url, "Download the content on the node; needs sha256."),
            OptionSpec("sha256", .sha256, "The expected SHA-256 of the downloaded content."),
            OptionSpec("owner", .account, "The owning user; default: kept, root for a new file."),
            OptionSpec("group", .account, "The owning group; default: kept, root for a new file."),
            OptionSpec("mode", .mode, "The octal mode, quoted, such as \"0644\"; default: kept, 0644 for a new file."),
            OptionSpec("backup", .boolean, "Keep the replaced file as PATH.pallet-backup-<time>."),
            OptionSpec("validate", .text, "A shell command that checks the new content, given as $1, before it replaces the file."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the file; default present."),
        ],
        validate: { options, diagnostics in
            options.exclusive(["content", "source", "template", "url"], diagnostics)
            options.forbid(["content", "source", "template", "url", "owner", "group", "mode", "vars", "validate"], whenState: "absent", diagnostics)
            if options.has("url") != options.has("sha256") {
                diagnostics.error(options.location(of: options.has("url") ? "url" : "sha256"), "'url' and 'sha256' go together")
            }
            if options.has("vars"), !options.has("template") {
                diagnostics.error(options.location(of: "vars"), "'vars' only applies to 'template'")
            }
        })

    static let directory = ActionSchema(
        .directory, help: "Manages a directory, its owner, group and mode, or removes it with its contents.",
        shorthand: .option("path"), summary: "path",
        options: [
            OptionSpec("path", .path, required: true, "The directory's absolute path; missing parents are created."),
            OptionSpec("owner", .account, "The owning user."),
            OptionSpec("group", .account, "The owning group."),
            OptionSpec("mode", .mode, "The octal mode, quoted; default 0755 for a new directory."),
            OptionSpec("recursive", .boolean, "Apply owner and group to everything inside too."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the directory and its contents; default present."),
        ],
        validate: { options, diagnostics in
            options.forbid(["owner", "group", "mode", "recursive"], whenState: "absent", diagnostics)
            if options.literal("path") == "/" { diagnostics.error(options.location(of: "path"), "'directory' cannot manage '/'") }
        })

    static let link = ActionSchema(
        .link, help: "Manages a symbolic link.",
        summary: "path",
        options: [
            OptionSpec("path", .path, required: true, "The link's absolute path."),
            OptionSpec("target", .text, "What the link points to (absolute or relative)."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the link; default present."),
        ],
        validate: { options, diagnostics in
            if options.literal("state") != "absent", !options.has("target") {
                diagnostics.error(options.location, "'link' needs 'target'")
            }
            options.forbid(["target"], whenState: "absent", diagnostics)
        })

    static let line = ActionSchema(
        .line, help: "Ensures a line is in a file (replacing the lines a regex matches), or that matching lines are gone.",
        summary: "path",
        options: [
            OptionSpec("path", .path, required: true, "The file; it must exist."),
            OptionSpec("line", .text, "The whole line, without its newline."),
            OptionSpec("match", .regex, "A regex; lines it matches are replaced by line (present) or removed (absent)."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the line (or the lines match matches); default present."),
        ],
        validate: { options, diagnostics in
            if options.literal("state") == "absent" {
                if !options.has("line"), !options.has("match") {
                    diagnostics.error(options.location, "'line' with state absent needs 'line' or 'match'")
                }
            } else if !options.has("line") {
                diagnostics.error(options.location, "'line' needs 'line'")
            }
            if let text = options.literal("line"), text.contains("\n") {
                diagnostics.error(options.location(of: "line"), "'line' must be a single line")
            }
        })

    static let user = ActionSchema(
        .user, help: "Manages a local user account.",
        shorthand: .option("name"), summary: "name",
        options: [
            OptionSpec("name", .account, required: true, "The login name."),
            OptionSpec("uid", .integer(0...4_294_967_294), "The numeric user id."),
            OptionSpec("group", .account, "The primary group; it must exist."),
            OptionSpec("groups", .nameList, "Supplementary groups, exactly these (they must exist)."),
            OptionSpec("shell", .path, "The login shell."),
            OptionSpec("home", .path, "The home directory; created for a new user."),
            OptionSpec("system", .boolean, "Create a system account (only when the user is new)."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the user (not the home); default present."),
        ],
        validate: { options, diagnostics in
            options.forbid(["uid", "group", "groups", "shell", "home", "system"], whenState: "absent", diagnostics)
        })

    static let group = ActionSchema(
        .group, help: "Manages a local group.",
        shorthand: .option("name"), summary: "name",
        options: [
            OptionSpec("name", .account, required: true, "The group's name."),
            OptionSpec("gid", .integer(0...4_294_967_294), "The numeric group id."),
            OptionSpec("system", .boolean, "Create a system group (only when the group is new)."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the group; default present."),
        ],
        validate: { options, diagnostics in options.forbid(["gid", "system"], whenState: "absent", diagnostics) })

    static let authorizedKey = ActionSchema(
        .authorizedKey, help: "Authorizes an ssh public key for a user (~/.ssh/authorized_keys).",
        summary: "user",
        options: [
            OptionSpec("user", .account, required: true, "The user; it must exist."),
            OptionSpec("key", .text, required: true, "The public key line, such as 'ssh-ed25519 AAAA... comment'."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the key; default present."),
        ],
        validate: { options, diagnostics in
            if let key = options.literal("key") {
                let words = key.split(separator: " ")
                if key.contains("\n") || words.count < 2 || !(words[0].hasPrefix("ssh-") || words[0].hasPrefix("ecdsa-") || words[0].hasPrefix("sk-")) {
                    diagnostics.error(options.location(of: "key"), "'key' must be one public key line such as 'ssh-ed25519 AAAA... comment'")
                }
            }
        })

    static let service = ActionSchema(
        .service, help: "Starts, stops, restarts or reloads a service and sets whether it starts at boot (systemd, else the service command).",
        shorthand: .option("name"), summary: "name",
        options: [
            OptionSpec("name", .name, required: true, "The service's name."),
            OptionSpec("state", .choice(["started", "stopped", "restarted", "reloaded"]),
                       "started and stopped change only when needed; restarted and reloaded always act."),
            OptionSpec("enabled", .boolean, "Whether the service starts at boot."),
        ],
        validate: { options, diagnostics in
            if !options.has("state"), !options.has("enabled") {
                diagnostics.error(options.location, "'service' needs 'state' or 'enabled'")
            }
        })

    static let exec = ActionSchema(
        .exec, help: "Runs a script, guarded by creates, unless and only-if; it reports changed whenever the script runs.",
        shorthand: .option("script"), summary: "script",
        options: [
            OptionSpec("script", .script, required: true, "The script, shown in full in run.sh."),
            OptionSpec("interpreter", .text, "The program that runs the script; default bash."),
            OptionSpec("creates", .path, "Skip the script when this path exists."),
            OptionSpec("unless", .text, "Skip the script when this shell command succeeds."),
            OptionSpec("only-if", .text, "Run the script only when this shell command succeeds."),
            OptionSpec("environment", .environment, "Environment variables for the script; values may be secrets."),
        ],
        validate: { options, diagnostics in
            if let interpreter = options.literal("interpreter"),
               interpreter.isEmpty || interpreter.contains(where: { $0 == " " || $0 == "=" || $0 == "\n" }) {
                diagnostics.error(options.location(of: "interpreter"), "'interpreter' must be one program name or path, without spaces or '='")
            }
        })

    static let sysctl = ActionSchema(
        .sysctl, help: "Sets a kernel parameter now and at boot (/etc/sysctl.d/60-pallet-<name>.conf).",
        summary: "name",
        options: [
            OptionSpec("name", .text, required: true, "The parameter, such as net.ipv4.ip_forward."),
            OptionSpec("value", .text, required: true, "The value."),
        ],
        validate: { options, diagnostics in
            if let name = options.literal("name"),
               name.isEmpty || !name.utf8.allSatisfy({ byte in
                   (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                       || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "._-/".utf8.contains(byte)
               }) || name.hasPrefix(".") || name.hasPrefix("/") || name.contains("..") {
                diagnostics.error(options.location(of: "name"), "'\(name.debugEscaped)' is not a sysctl parameter name")
            }
            if let value = options.literal("value"), value.contains("\n") {
                diagnostics.error(options.location(of: "value"), "'value' must be a single line")
            }
        })

    static let cron = ActionSchema(
        .cron, help: "Manages a cron job as /etc/cron.d/pallet-<name>.",
        summary: "name",
        options: [
            OptionSpec("name", .name, required: true, "The job's name."),
            OptionSpec("schedule", .text, "Five cron fields, such as '*/5 * * * *', or @daily and the like."),
            OptionSpec("command", .text, "The command line."),
            OptionSpec("user", .account, "The user the job runs as; default root."),
            OptionSpec("state", .choice(["present", "absent"]), "absent removes the job; default present."),
        ],
        validate: { options, diagnostics in
            if options.literal("state") != "absent" {
                for key in ["schedule", "command"] where !options.has(key) {
                    diagnostics.error(options.location, "'cron' needs '\(key)'")
                }
            }
            if let schedule = options.literal("schedule") {
                let fields = schedule.split(separator: " ", omittingEmptySubsequences: true)
                let keywords = ["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]
                let valid = fields.count == 5
                    ? fields.allSatisfy { $0.utf8.allSatisfy { "0123456789*/,-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8.contains($0) } }
                    : fields.count == 1 && keywords.contains(String(fields[0]))
                if !valid {
                    diagnostics.error(options.location(of: "schedule"), "'schedule' must be five cron fields or one of \(keywords.joined(separator: ", "))")
                }
            }
            for key in ["command", "schedule"] {
                if let text = options.literal(key), text.contains("\n") || text.contains("\r") {
                    diagnostics.error(options.location(of: key), "'\(key)' must be a single line")
                }
            }
        })
}
