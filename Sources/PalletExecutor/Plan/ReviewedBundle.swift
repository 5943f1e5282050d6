import Foundation
import PalletContract
import PalletSpec

/// Checks that a bundle's tar holds exactly the reviewed files of `out/`: its `run.sh` and
/// payload files (`out/groups/<group>/<phase>/`), `out/lib.sh`, and the MANIFEST they make.
///
/// A reviewer reads `run.sh`, the payload files and `lib.sh`; the tar is what runs. The tar's
/// contents are rebuilt from the reviewed files with the packer `pallet plan` uses and compared
/// entry by entry (paths, bytes, modes): a tar edited together with its digest in
/// plan.json, or a reviewed file changed beside an unchanged tar, is refused.
enum ReviewedBundle {
    /// Throws a ``LoadedPlan/ReadError`` naming every difference between `entries` (read from the
    /// bundle's tar) and the reviewed files in `outDirectory`, or a ``ReviewedFiles/ReadError``
    /// when those files cannot be read as reviewed files.
    static func check(_ entries: [TarEntry], bundle: PlanDocument.Bundle, group: String, outDirectory: String) throws {
        let archive = "groups/\(group)/\(bundle.phase).tar"
        guard bundle.archive == archive else {
            throw LoadedPlan.ReadError(description: "plan.json names \(bundle.archive.debugDescription) as the bundle of group \(group), "
                + "phase \(bundle.phase); pallet plan writes \(archive)")
        }
        try checkSecrets(bundle, archive: archive)
        let base = "groups/\(group)/\(bundle.phase)"
        let reviewed = try ReviewedFiles.all(in: outDirectory + "/" + base)
        guard let runScript = reviewed.first(where: { $0.path == "run.sh" })?.bytes else {
            throw LoadedPlan.ReadError(description: "\(outDirectory)/\(base)/run.sh is missing: the bundle \(archive) has no reviewed script")
        }
        guard let library = FileManager.default.contents(atPath: outDirectory + "/lib.sh") else {
            throw LoadedPlan.ReadError(description: "\(outDirectory)/lib.sh is missing")
        }
        try checkSecretsUsed(bundle, runScript: runScript, archive: archive)
        let payloads = reviewed.filter { $0.path != "run.sh" }.map { BundleFile(path: $0.path, bytes: $0.bytes) }
        let expected = BundleContents.entries(runScript: runScript, library: [UInt8](library), payloads: payloads)
        let problems = differences(entries, expected: expected)
        guard problems.isEmpty else {
            throw LoadedPlan.ReadError(description: "\(outDirectory)/\(archive) does not hold exactly the reviewed files "
                + "(\(base)/, lib.sh): " + problems.prefix(10).joined(separator: "; ")
                + (problems.count > 10 ? "; and \(problems.count - 10) more" : "") + "; run 'pallet plan' and review out/ again")
        }
    }

    /// Each secret's identifier is the one its source gives: plan.json cannot deliver a value
    /// under another secret's name.
    static func checkSecrets(_ bundle: PlanDocument.Bundle, archive: String) throws {
        for secret in bundle.secrets {
            let source: SecretReference.Source? = secret.env.map { .environment($0) } ?? secret.file.map { .file($0) }
            let expected = source.map { SecretReference(source: $0, location: SourceLocation(file: "plan.json", line: 0, column: 0)).identifier }
            guard let expected, expected == secret.id, (secret.env == nil) != (secret.file == nil) else {
                throw LoadedPlan.ReadError(description: "plan.json lists a secret of \(archive) whose id \(secret.id.debugDescription) "
                    + "does not match its source; run 'pallet plan'")
            }
        }
    }

    /// Each secret plan.json lists for the bundle is one its reviewed `run.sh` names: an edited
    /// plan.json cannot send a secret to the nodes of a group that never uses it.
    static func checkSecretsUsed(_ bundle: PlanDocument.Bundle, runScript: [UInt8], archive: String) throws {
        let script = String(decoding: runScript, as: UTF8.self)
        for secret in bundle.secrets where !script.contains(ShellQuoting.quote(secret.id)) {
            throw LoadedPlan.ReadError(description: "plan.json lists secret \(SecretResolver.name(of: secret)) for \(archive), "
                + "whose run.sh never uses it; run 'pallet plan'")
        }
    }

    /// One line per entry that differs between the tar's `entries` and the `expected` files.
    static func differences(_ entries: [TarEntry], expected: [TarEntry]) -> [String] {
        var problems: [String] = []
        var files: [String: TarEntry] = [:]
        var folders = Set<String>()
        for entry in entries {
            if entry.isDirectory {
                folders.insert(entry.path)
            } else if files.updateValue(entry, forKey: entry.path) != nil {
                problems.append("\(entry.path) appears twice in the tar")
            }
        }
        var wanted: [String: TarEntry] = [:]
        var wantedFolders = Set<String>()
        for entry in expected {
            wanted[entry.path] = entry
            var parent = entry.path.split(separator: "/").dropLast()
            while !parent.isEmpty {
                wantedFolders.insert(parent.joined(separator: "/"))
                parent = parent.dropLast()
            }
        }
        for path in Set(files.keys).union(wanted.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            switch (files[path], wanted[path]) {
            case (nil, _): problems.append("\(path) is not in the tar")
            case (_, nil): problems.append("\(path) is in the tar but not in out/")
            case let (found?, want?) where found.kind != want.kind: problems.append("\(path) differs")
            case let (found?, want?) where found.mode != want.mode: problems.append("\(path) has mode \(String(found.mode, radix: 8)) in the tar")
            default: break
            }
        }
        for folder in folders.symmetricDifference(wantedFolders).sorted() {
            problems.append(wantedFolders.contains(folder) ? "folder \(folder) is not in the tar" : "folder \(folder) is in the tar but not in out/")
        }
        return problems
    }
}
