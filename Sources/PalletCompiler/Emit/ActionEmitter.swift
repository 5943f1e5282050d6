import PalletContract
import PalletSpec

/// Emits the bash lines of one step: a call to the action's runtime function (`pallet_user`
/// for `user`), each option a flag followed by one single-quoted word.
///
/// Scripts become quoted here-documents, contents become payload files of the bundle, secrets
/// become references the executor fills in, and a phase's package transaction becomes one
/// `pallet_packages_add` line per package step.
enum ActionEmitter {
    /// The runtime function of an action keyword.
    static func function(for keyword: ActionKeyword) -> String {
        "pallet_" + keyword.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    static func emit(_ step: PlanStep, into script: inout StepScript) {
        switch step.kind {
        case .packages(let transaction):
            emitPackages(transaction, into: &script)
        case .action(let options):
            emitAction(step, options: options, into: &script)
        }
    }

    /// Emits the runtime call of one action step with its `options`.
    static func emitAction(_ step: PlanStep, options: [(key: String, value: ResolvedValue)], into script: inout StepScript) {
        var command = ShellCommand(function(for: step.keyword))
        var hereDocument: String?
        for (key, value) in options {
            switch value {
            case .text(let text):
                if key == "script" {
                    hereDocument = text.templateText
                    if text.hasRuntimeValues { command.flag("--render") }
                } else {
                    command.option("--" + key, text)
                }
            case .list(let texts):
                for text in texts { command.option("--" + key, text) }
            case .integer(let number):
                command.flag("--" + key)
                command.flag(String(number))
            case .boolean(let flag):
                command.flag("--" + key)
                command.flag(flag ? "true" : "false")
            case .environment(let pairs):
                for (name, value) in pairs {
                    switch value {
                    case .text(let text):
                        command.flag("--env")
                        command.argument(name)
                        command.argument(text)
                    case .secret(let reference):
                        command.flag("--env-secret")
                        command.argument(name)
                        command.argument(reference.identifier)
                        script.secrets.append(reference)
                    }
                }
            case .secret(let reference):
                command.option("--\(key)-secret", reference.identifier)
                script.secrets.append(reference)
            case .payload(let bytes, let render):
                let flag = ["source", "template", "content"].contains(key) ? "content" : key
                let name = payloadName(step)
                command.option("--" + flag, script.addPayload(bytes, named: name))
                if render { command.flag("--render") }
            }
        }
        if let body = hereDocument {
            let delimiter = hereDocumentDelimiter(for: body)
            command.flag("<<'\(delimiter)'")
            script.lines.append(command.line)
            // Over bytes: `hasSuffix("\n")` and `dropLast()` see "\r\n" as one character.
            script.lines.append(body.utf8.last == UInt8(ascii: "\n") ? String(decoding: body.utf8.dropLast(), as: UTF8.self) : body)
            script.lines.append(delimiter)
        } else {
            script.lines.append(command.line)
        }
    }

    /// A readable payload name: the last component of the step's path (or name) option.
    static func payloadName(_ step: PlanStep) -> String {
        for key in ["path", "name"] {
            if case .text(let text)? = step.option(key) {
                return text.templateText.split(separator: "/").last.map(String.init) ?? key
            }
        }
        return step.keyword.rawValue
    }

    /// Emits a phase's package transaction: one `pallet_packages_add` line per request, then
    /// `pallet_packages_apply`.
    /// A vendored transaction first names its `vendor.list` (a payload at the bundle's root):
    /// the node then installs the bundle's `.deb` files, never asking a repository.
    static func emitPackages(_ transaction: PackageTransaction, into script: inout StepScript) {
        if let vendored = transaction.vendored {
            script.lines.append("# packages come from \(VendorLock.path) (\(ShellQuoting.commentText(vendored.target.description))), not from a repository")
            script.payloads.append(BundleFile(path: VendoredPackage.listPath, bytes: Array(vendored.listText.utf8)))
            script.digestsByPath[VendoredPackage.listPath] = SHA256.digest(Array(vendored.listText.utf8))
            var command = ShellCommand("pallet_packages_vendored")
            command.argument(VendoredPackage.listPath)
            script.lines.append(command.line)
        }
        for request in transaction.requests {
            script.lines.append("# \(ShellQuoting.commentText(request.origin.description)) packages \(request.state)")
            var command = ShellCommand("pallet_packages_add")
            command.argument(request.state)
            for name in request.names { command.argument(name) }
            if request.osFamilies.isEmpty {
                script.lines.append(command.line)
            } else {
                var condition = ShellCommand("pallet_os_in")
                for family in request.osFamilies { condition.argument(family) }
                script.lines.append("if \(condition.line); then \(command.line); fi")
            }
        }
        script.lines.append("pallet_packages_apply")
    }

    /// A here-document delimiter that no line of `body` equals, comparing bytes as bash does.
    ///
    /// Lines are split at every newline byte: splitting a Swift `String` at `"\n"` would keep
    /// `"\r\n"` (one grapheme cluster) inside a line, so a script holding `"\r\nPALLET_SCRIPT"`
    /// would end its here-document early and run the rest as part of `run.sh`.
    static func hereDocumentDelimiter(for body: String) -> String {
        let lines = Set(body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) })
        var delimiter = "PALLET_SCRIPT"
        var counter = 1
        while lines.contains(Array(delimiter.utf8)) {
            delimiter = "PALLET_SCRIPT_\(counter)"
            counter += 1
        }
        return delimiter
    }
}
