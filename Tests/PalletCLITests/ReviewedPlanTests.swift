import Foundation
import PalletContract
import PalletExecutor
import PalletTestSupport
import Testing

/// What runs is what was reviewed: `pallet apply` refuses a bundle tar that does not hold exactly
/// the files of `out/` beside it, an `out/` the specs do not compile to, and (with
/// `--require-signature`) an `out/` not signed by an allowed key or changed since it was signed.
@Suite("What runs is what was reviewed", .serialized, .enabled(if: TestHostSupport.requireRoot("What runs is what was reviewed")))
struct ReviewedPlanTests {
    static let groups = """
          db:
            service: lab
            phases:
              configure:
                - file: {path: /etc/x, content: "reviewed\\n"}
                - exec: {script: "echo ran > /etc/ran", creates: /etc/ran}
        """

    /// Replaces `old` by `new` (same length) in the bytes of `path`.
    static func patch(_ path: String, _ old: String, _ new: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let needle = Array(old.utf8)
        let at = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        bytes.replaceSubrange(at..<at + needle.count, with: Array(new.utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Sets the SHA-256 that plan.json records for `archive` to the archive's current digest, as
    /// an attacker who edits a tar would.
    static func resealDigest(out: String, archive: String) throws {
        let planPath = out + "/plan.json"
        var plan = try String(contentsOfFile: planPath, encoding: .utf8)
        let old = try #require(plan.components(separatedBy: "\n").first { $0.contains("\"sha256\"") })
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + archive)))
        let new = old.replacingOccurrences(of: #"[0-9a-f]{64}"#, with: SHA256.hexDigest(bytes), options: .regularExpression)
        plan = plan.replacingOccurrences(of: old, with: new)
        try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
    }

    /// Brings up host db1 of group db, plans `groups` for it, and runs `body` with the cluster and the project.
    static func planned(groups: String = Self.groups, _ body: (TestHostCluster, ClusterProject) throws -> Void) throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: groups)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            try body(cluster, setup)
        }
    }

    @Test("a tar edited together with its digest in plan.json is refused (run.sh and files/ beside it unchanged); nothing runs")
    func tarAndDigestEditedRefused() throws {
        try Self.planned { cluster, setup in
            let out = setup.project.root + "/out"
            try Self.patch(out + "/groups/db/configure.tar", "echo ran > /etc/ran", "echo pwn > /etc/ran")
            try Self.resealDigest(out: out, archive: "groups/db/configure.tar")
            // Without specs/ (an air-gapped copy of out/) only the tar check can catch it.
            try FileManager.default.removeItem(atPath: setup.project.root + "/specs")
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1, "\(run.combined)")
            #expect(run.stderr.contains("configure.tar does not hold exactly the reviewed files"), "\(run.stderr)")
            #expect(run.stderr.contains("run.sh differs"), "\(run.stderr)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == nil, "nothing ran")
            #expect(cluster["db1"]?.upperFile("/etc/ran") == nil, "nothing ran")
        }
    }

    @Test("a reviewed file of out/ changed beside an unchanged tar, or a file added to the bundle's folder, is refused")
    func reviewedFileChangedRefused() throws {
        try Self.planned { cluster, setup in
            let out = setup.project.root + "/out"
            try FileManager.default.removeItem(atPath: setup.project.root + "/specs")
            let payload = try #require(try FileManager.default.contentsOfDirectory(atPath: out + "/groups/db/configure/files").first)
            try Self.patch(out + "/groups/db/configure/files/" + payload, "reviewed", "REVIEWED")
            let changed = try setup.pallet(["apply"])
            #expect(changed.status == 1, "\(changed.combined)")
            #expect(changed.stderr.contains("files/\(payload) differs"), "\(changed.stderr)")
            try Self.patch(out + "/groups/db/configure/files/" + payload, "REVIEWED", "reviewed")
            try Data("x".utf8).write(to: URL(fileURLWithPath: out + "/groups/db/configure/files/extra"))
            let added = try setup.pallet(["apply"])
            #expect(added.status == 1, "\(added.combined)")
            #expect(added.stderr.contains("files/extra is not in the tar"), "\(added.stderr)")
            try FileManager.default.removeItem(atPath: out + "/groups/db/configure/files/extra")
            try Self.patch(out + "/lib.sh", "# Pallet bundle runtime", "# Pallet bundle RUNTIME")
            let library = try setup.pallet(["apply"])
            #expect(library.status == 1, "\(library.combined)")
            #expect(library.stderr.contains("lib.sh differs"), "\(library.stderr)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == nil, "nothing ran")
            try Self.patch(out + "/lib.sh", "# Pallet bundle RUNTIME", "# Pallet bundle runtime")
            let good = try setup.pallet(["apply"])
            #expect(good.status == 0, "the restored out/ runs: \(good.combined)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == Array("reviewed\n".utf8))
        }
    }

    @Test("plan.json edited to send a secret to a bundle whose run.sh never uses it is refused; the secret goes nowhere")
    func secretAddedToPlanRefused() throws {
        let groups = "  db: {service: lab, phases: {configure: [{file: {path: /etc/token, content: {secret: {env: APP_TOKEN}}, mode: \"0600\"}}]}}\n"
        try Self.planned(groups: groups) { cluster, setup in
            try FileManager.default.removeItem(atPath: setup.project.root + "/specs")
            let planPath = setup.project.root + "/out/plan.json"
            let plan = try String(contentsOfFile: planPath, encoding: .utf8)
            let edited = plan.replacingOccurrences(of: "\"id\" : \"env-APP_TOKEN\"\n", with: "\"id\" : \"env-APP_TOKEN\"\n            },\n            {\n"
                + "              \"env\" : \"ROOT_KEY\",\n              \"id\" : \"env-ROOT_KEY\"\n")
            #expect(edited != plan)
            try edited.write(toFile: planPath, atomically: true, encoding: .utf8)
            let run = try setup.pallet(["apply"], environment: ["APP_TOKEN": "t", "ROOT_KEY": "the-root-key"])
            #expect(run.status == 1, "\(run.combined)")
            #expect(run.stderr.contains("plan.json lists secret {env: ROOT_KEY} for groups/db/configure.tar, whose run.sh never uses it"),
                    "\(run.stderr)")
            #expect(cluster["db1"]?.upperFile("/etc/token") == nil, "nothing ran")
            try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
            let good = try setup.pallet(["apply"], environment: ["APP_TOKEN": "t"])
            #expect(good.status == 0, "\(good.combined)")
        }
    }

    @Test("with specs/ present, apply compiles them and refuses an out/ that differs in any file (PLAN.md too); --allow-stale runs it")
    func staleOutRefused() throws {
        try Self.planned { cluster, setup in
            try Self.patch(setup.project.root + "/out/PLAN.md", "db", "DB")
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1, "\(run.combined)")
            #expect(run.stderr.contains("refusing a stale plan: out/ is not what specs/ compile to (changed PLAN.md)"), "\(run.stderr)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == nil, "nothing ran")
            let allowed = try setup.pallet(["apply", "--allow-stale"])
            #expect(allowed.status == 0, "\(allowed.combined)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == Array("reviewed\n".utf8))
        }
    }

    /// Makes an ed25519 key pair `name` in `folder` and an allowed_signers line for it.
    static func signingKey(_ name: String, in folder: String) throws -> (key: String, allowed: String) {
        let key = folder + "/" + name
        let made = try ProcessRunner.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key])
        #expect(made.status == 0, "\(made.combined)")
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (key, "\(name)@example.org namespaces=\"pallet-plan\" \(publicKey)\n")
    }

    @Test("plan --sign: a good signature runs; unsigned, one byte changed in any out/ file, or a key not in allowed_signers is refused")
    func signedPlan() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: Self.groups)
            defer { setup.project.remove() }
            let reviewer = try Self.signingKey("reviewer", in: cluster.directory)
            let stranger = try Self.signingKey("stranger", in: cluster.directory)
            let allowed = cluster.directory + "/allowed_signers"
            try reviewer.allowed.write(toFile: allowed, atomically: true, encoding: .utf8)
            let out = setup.project.root + "/out"

            // Unsigned: refused.
            #expect(try setup.pallet(["plan"]).status == 0)
            let unsigned = try setup.pallet(["apply", "--require-signature", allowed])
            #expect(unsigned.status == 1, "\(unsigned.combined)")
            #expect(unsigned.stderr.contains("out/ is not signed"), "\(unsigned.stderr)")

            // Signed by a key that allowed_signers does not list: refused.
            #expect(try setup.pallet(["plan", "--sign", stranger.key]).status == 0)
            let strange = try setup.pallet(["apply", "--require-signature", allowed])
            #expect(strange.status == 1, "\(strange.combined)")
            #expect(strange.stderr.contains("was not made by a key listed in"), "\(strange.stderr)")

            // Signed by the reviewer; the signature is the same bytes when signed again, and
            // plan --check accepts the signed out/.
            let signed = try setup.pallet(["plan", "--sign", reviewer.key])
            #expect(signed.status == 0, "\(signed.combined)")
            let signature = try Data(contentsOf: URL(fileURLWithPath: out + "/SIGNED.sig"))
            #expect(try setup.pallet(["plan", "--sign", reviewer.key]).status == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/SIGNED.sig")) == signature, "ed25519 signatures are reproducible")
            let check = try setup.pallet(["plan", "--check"])
            #expect(check.status == 0, "\(check.combined)")
            let listing = try String(contentsOfFile: out + "/SIGNED", encoding: .utf8)
            let sha256sum = try ProcessRunner.run(["sha256sum", "--quiet", "-c", "SIGNED"], directory: out)
            #expect(sha256sum.status == 0, "SIGNED is sha256sum's format: \(sha256sum.combined)")

            // One byte changed in any file of out/ (specs removed: an air-gapped control host
            // only has out/): refused, each time.
            try FileManager.default.removeItem(atPath: setup.project.root + "/specs")
            let files = listing.split(separator: "\n").map { String($0.dropFirst(66)) } + ["SIGNED", "SIGNED.sig"]
            #expect(files.contains("plan.json") && files.contains("groups/db/configure.tar") && files.contains("lib.sh"))
            for file in files {
                let path = out + "/" + file
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                var bytes = [UInt8](original)
                bytes[bytes.count / 2] ^= 0x01
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let altered = try setup.pallet(["apply", "--require-signature", allowed])
                #expect(altered.status == 1, "\(file) changed: \(altered.combined)")
                let expected = file == "SIGNED.sig" ? "SIGNED.sig" : "differs from what was signed"
                #expect(altered.stderr.contains(expected), "\(file): \(altered.stderr)")
                try original.write(to: URL(fileURLWithPath: path))
            }
            try Data("extra".utf8).write(to: URL(fileURLWithPath: out + "/extra"))
            let extra = try setup.pallet(["apply", "--require-signature", allowed])
            #expect(extra.stderr.contains("differs from what was signed: extra added"), "\(extra.stderr)")
            try FileManager.default.removeItem(atPath: out + "/extra")
            #expect(cluster["db1"]?.upperFile("/etc/x") == nil, "nothing ran while out/ was not the signed one")

            // The signed out/ runs.
            let good = try setup.pallet(["apply", "--require-signature", allowed])
            #expect(good.status == 0, "\(good.combined)")
            #expect(good.stderr.contains("out/ is signed by reviewer@example.org"), "\(good.stderr)")
            #expect(cluster["db1"]?.upperFile("/etc/x") == Array("reviewed\n".utf8))
        }
    }

    @Test("files swapped after the signature was checked (tar and its digest in plan.json) are refused as apply reads them")
    func swappedAfterVerificationRefused() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": SecretDeliveryTests.oneHost(configure: #"{file: {path: /etc/x, content: "reviewed\n"}}"#)])
        defer { project.remove() }
        let folder = project.root + "/keys"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let reviewer = try Self.signingKey("reviewer", in: folder)
        try reviewer.allowed.write(toFile: folder + "/allowed_signers", atomically: true, encoding: .utf8)
        let signed = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--sign", reviewer.key], directory: project.root)
        #expect(signed.status == 0, "\(signed.combined)")
        let out = project.root + "/out"
        let verified = try PlanSignature.verify(directory: out, allowedSigners: folder + "/allowed_signers")
        #expect(verified.principal == "reviewer@example.org")
        var plan = try LoadedPlan(outDirectory: out, signedDigests: verified.digests)
        try plan.checkBundles()
        // Now an attacker swaps the tar and reseals its digest in plan.json.
        try Self.patch(out + "/groups/g/configure.tar", "reviewed", "tampered")
        try Self.resealDigest(out: out, archive: "groups/g/configure.tar")
        #expect(throws: LoadedPlan.ReadError.self) { try LoadedPlan(outDirectory: out, signedDigests: verified.digests) }
        let bundle = try #require(plan.document.groups.first?.bundles.first)
        #expect(throws: LoadedPlan.ReadError.self) { try plan.archive(bundle) }
    }

    @Test("plan.json naming a bundle or provisioning script outside out/ is refused")
    func pathsOutsideOutRefused() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": SecretDeliveryTests.oneHost(configure: #"{file: {path: /etc/x, content: "x"}}"#)])
        defer { project.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root).status == 0)
        let planPath = project.root + "/out/plan.json"
        let plan = try String(contentsOfFile: planPath, encoding: .utf8)
        for (old, new) in [
            ("\"name\" : \"g\"", "\"name\" : \"../..\""),
            ("\"phase\" : \"configure\"", "\"phase\" : \"../configure\""),
            ("\"provider\" : \"hosts\"", "\"provider\" : \"hosts\", \"provision\" : \"../../evil.sh\""),
        ] {
            let edited = plan.replacingOccurrences(of: old, with: new)
            #expect(edited != plan, "\(old)")
            try edited.write(toFile: planPath, atomically: true, encoding: .utf8)
            #expect(throws: LoadedPlan.ReadError.self, "\(new)") { try LoadedPlan(outDirectory: project.root + "/out") }
        }
        try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
        var loaded = try LoadedPlan(outDirectory: project.root + "/out")
        try loaded.checkBundles()
    }

    @Test("planning again without --sign removes the signature: a signature never outlives the files it covers")
    func replanRemovesSignature() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": SecretDeliveryTests.oneHost(configure: #"{file: {path: /etc/x, content: "x"}}"#)])
        defer { project.remove() }
        let folder = project.root + "/keys"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let reviewer = try Self.signingKey("reviewer", in: folder)
        func pallet(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root)
        }
        let signed = try pallet(["plan", "--sign", reviewer.key])
        #expect(signed.status == 0, "\(signed.combined)")
        #expect(project.exists("out/SIGNED") && project.exists("out/SIGNED.sig"))
        #expect(try pallet(["plan"]).status == 0)
        #expect(!project.exists("out/SIGNED") && !project.exists("out/SIGNED.sig"))
        let badKey = try pallet(["plan", "--sign", folder + "/missing-key"])
        #expect(badKey.status == 1)
        #expect(badKey.stderr.contains("ssh-keygen could not sign out/"), "\(badKey.stderr)")
        #expect(!project.exists("out/SIGNED"), "a failed signing leaves out/ as it was")
    }
}
