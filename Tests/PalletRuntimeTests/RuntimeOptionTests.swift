import Foundation
@testable import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// The action catalogue and the node runtime agree: every catalogue option reaches its runtime
/// function as options that function parses, and every option a runtime function parses is
/// what some catalogue option becomes.
@Suite("Runtime options and the catalogue")
struct RuntimeOptionTests {
    /// Options the runtime never sees as options, and why.
    static let notPassed: [String: String] = [
        "file.vars": "the template is rendered when planning; the rendered bytes go as --content",
        "exec.script": "the script is the here-document on the function's standard input",
    ]

    /// Options each action needs beside the one under test to be valid (spec text, flow style).
    static let base: [String: String] = [
        "file": "path: /etc/pallet-option",
        "directory": "path: /etc/pallet-option",
        "link": "path: /etc/pallet-option, target: /etc/hostname",
        "line": "path: /etc/pallet-option, line: x",
        "user": "name: someone",
        "group": "name: someone",
        "authorized-key": "user: someone, key: 'ssh-ed25519 AAAA comment'",
        "service": "name: something, state: started",
        "exec": "script: 'true'",
        "sysctl": "name: net.ipv4.ip_forward, value: '1'",
        "cron": "name: job, schedule: '@daily', command: 'true'",
        "package-source": "name: repository, url: 'http://example.org/debian'",
        "package-manager": "update: true",
    ]

    /// Options that need another one beside them.
    static let companions: [String: String] = [
        "file.url": "sha256: \(String(repeating: "a", count: 64))",
        "file.sha256": "url: 'http://example.org/file'",
        "file.vars": "template: ../payload.txt",
    ]

    /// A valid spec value for an option of `kind`.
    static func sample(_ key: String, _ kind: OptionKind) -> String {
        switch kind {
        case .text, .name, .regex: return "value-\(key)"
        case .path: return "/etc/pallet-\(key)"
        case .account: return "root"
        case .mode: return "'0640'"
        case .integer(let range): return "\(range.lowerBound + 1)"
        case .boolean: return "true"
        case .choice(let words): return words[0]
        case .textList, .nameList, .packageList: return "[item-\(key)]"
        case .environment: return "{NAME: value}"
        case .content: return "'text'"
        case .localFile: return "../payload.txt"
        case .vars: return "{v: x}"
        case .script: return "'true'"
        case .url: return "'http://example.org/\(key)'"
        case .sha256: return "'\(String(repeating: "a", count: 64))'"
        }
    }

    /// The options each runtime function parses: the `--OPTION)` arms of its `case` in the
    /// node runtime's sources.
    static func parsedOptions() throws -> [String: Set<String>] {
        var options: [String: Set<String>] = [:]
        let folder = RepositoryPaths.root + "/Sources/PalletCompiler/NodeRuntime"
        let arm = #/^\s+((?:--[a-z0-9-]+)(?:\s*\|\s*--[a-z0-9-]+)*)\)/#
        let header = #/^(pallet_[a-z_]+)\(\) \{$/#
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".sh") {
            var function: String?
            for line in try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n") {
                if let match = line.wholeMatch(of: header) {
                    function = String(match.1)
                    options[String(match.1), default: []] = []
                } else if line == "}" {
                    function = nil
                } else if let function, let match = line.firstMatch(of: arm) {
                    for flag in match.1.split(separator: "|") {
                        options[function, default: []].insert(flag.trimmingCharacters(in: .whitespaces))
                    }
                }
            }
        }
        return options
    }

    /// The options in the lines of `script` that call `function`.
    static func emittedOptions(_ script: String, function: String) -> Set<String> {
        var options: Set<String> = []
        for line in script.split(separator: "\n") where line.hasPrefix(function + " ") {
            // Values are single-quoted words; the samples hold no " --".
            for word in line.split(separator: " ") where word.hasPrefix("--") {
                options.insert(String(word))
            }
        }
        return options
    }

    /// Compiles one step of `keyword` with `options` (flow-style spec text) and returns run.sh.
    static func runScript(_ keyword: String, _ options: String) throws -> String {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                vars: {v: x}
                phases:
                  configure:
                    - \(keyword): {\(options)}
            """, files: ["payload.txt": Array("payload {{ v }}\n".utf8)])
        #expect(errors.isEmpty, "\(keyword) {\(options)}: \(errors)")
        return try #require(tree?.text("groups/g/configure/run.sh"), "\(keyword) {\(options)}: no run.sh")
    }

    @Test("every catalogue option reaches its runtime function as options it parses, and every parsed option is reached")
    func catalogueMatchesRuntime() throws {
        let parsed = try Self.parsedOptions()
        for schema in ActionCatalog.all where !schema.keyword.isPackageRequest {
            let function = ActionEmitter.function(for: schema.keyword)
            let parses = try #require(parsed[function], "no function \(function) in the node runtime")
            let base = try #require(Self.base[schema.keyword.rawValue], "no base options for \(schema.keyword) in this test")
            let baseKeys = Set(base.split(separator: ",").compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) })
            var reached = Self.emittedOptions(try Self.runScript(schema.keyword.rawValue, base), function: function)
            for option in schema.options {
                let id = schema.keyword.rawValue + "." + option.key
                var text = baseKeys.contains(option.key) ? base : base + ", \(option.key): \(Self.sample(option.key, option.kind))"
                if let companion = Self.companions[id] { text += ", " + companion }
                if option.key == "baseurl" || option.key == "gpgkey" {
                    // yum/dnf options go without the apt url.
                    text = "name: repository, baseurl: 'http://example.org/el'" + (option.key == "gpgkey" ? ", gpgkey: 'http://example.org/key'" : "")
                }
                let emitted = Self.emittedOptions(try Self.runScript(schema.keyword.rawValue, text), function: function)
                reached.formUnion(emitted)
                let own = emitted.filter { $0 == "--" + option.key || $0.hasPrefix("--" + option.key + "-") }
                if let reason = Self.notPassed[id] {
                    #expect(own.isEmpty, "\(id) is listed as not passed (\(reason)) but reaches \(function) as \(own)")
                    continue
                }
                let mapped: Set<String>
                switch option.kind {
                case .content: mapped = emitted.filter { $0.hasPrefix("--content") }
                case .environment: mapped = emitted.filter { $0 == "--env" || $0 == "--env-secret" }
                case .localFile where option.key == "source" || option.key == "template": mapped = emitted.filter { $0 == "--content" }
                default: mapped = own
                }
                #expect(!mapped.isEmpty, "\(id) never reaches \(function): \(emitted.sorted())")
                for flag in emitted {
                    #expect(parses.contains(flag), "\(function) does not parse \(flag) (from \(id))")
                }
            }
            // A content secret and an environment secret go as their own options.
            if schema.keyword == .file {
                reached.formUnion(Self.emittedOptions(try Self.runScript("file", base + ", content: {secret: {env: TOKEN}}"), function: function))
            }
            if schema.keyword == .exec {
                reached.formUnion(Self.emittedOptions(try Self.runScript("exec", base + ", environment: {S: {secret: {env: TOKEN}}}"), function: function))
                reached.formUnion(Self.emittedOptions(try Self.runScript("exec", "script: 'echo {{ node.name }}'"), function: function))
            }
            if schema.keyword == .file {
                reached.formUnion(Self.emittedOptions(try Self.runScript("file", base + ", content: '{{ node.name }}'"), function: function))
            }
            #expect(parses.subtracting(reached).isEmpty,
                    "\(function) parses \(parses.subtracting(reached).sorted()), which no catalogue option of '\(schema.keyword)' becomes")
        }
    }

    @Test("packages and package reach the phase's transaction with their names and each state")
    func packageOptions() throws {
        for keyword in ["packages", "package"] {
            let states = try #require(ActionCatalog.schema(keyword)?.options.first { $0.key == "state" })
            guard case .choice(let words) = states.kind else { Issue.record("state of \(keyword) is not a choice"); continue }
            let key = keyword == "packages" ? "names" : "name"
            for state in words {
                let script = try Self.runScript(keyword, "\(key): [curl], state: \(state)")
                #expect(script.contains("pallet_packages_add '\(state)' 'curl'\n"), "\(keyword) \(state)")
            }
            let parser = try String(contentsOfFile: RepositoryPaths.root + "/Sources/PalletCompiler/NodeRuntime/package.sh", encoding: .utf8)
            for state in words {
                #expect(parser.contains("    \(state)) PALLET_PKG_"), "pallet_packages_add does not take state \(state)")
            }
        }
    }
}
