import Foundation
import PalletContract
import PalletSpec

/// Compiles a project's specs into the `out/` tree: load and validate, resolve, emit, pack.
public struct Compiler {
    /// The project root holding `specs/`.
    public let projectRoot: String

    /// Creates a compiler for the project at `projectRoot`.
    public init(projectRoot: String) {
        self.projectRoot = projectRoot
    }

    /// Compiles the specs.
    ///
    /// - Returns: The tree, or nil when `diagnostics` holds errors (nothing must be written then).
    public func compile(diagnostics: Diagnostics) throws -> OutputTree? {
        let specs = SpecLoader(projectRoot: projectRoot).load(diagnostics: diagnostics)
        // Resolve even after errors, so that undefined images, hardware models, handlers and
        // variables are reported in the same run; lookups of undefined names are skipped.
        let plan = Resolver(specs: specs, diagnostics: diagnostics).resolve()
        guard !diagnostics.hasErrors else { return nil }
        let tree = try emit(plan, diagnostics: diagnostics)
        return diagnostics.hasErrors ? nil : tree
    }

    /// Emits and packs a resolved plan into the tree; problems only visible now (such as a
    /// network no node can be reached through) are reported to `diagnostics`.
    public func emit(_ plan: Plan, diagnostics: Diagnostics) throws -> OutputTree {
        var tree = OutputTree()
        let digest = InputsDigest.digest(of: plan.inputs.map { ($0.path, $0.bytes) })
        tree.add("lib.sh", text: RuntimeLibrary.source)
        var groups: [PlanDocument.Group] = []
        // Emitting, packing and hashing a bundle depends on nothing else: done on all processors,
        // then added to the tree in plan order. PLAN.md is rendered meanwhile.
        let bundles = plan.groups.flatMap(\.bundles)
        let (markdown, packed) = try inParallel({ PlanMarkdownEmitter().emit(plan, digest: digest) }, {
            try bundles.concurrentMap(PackedBundle.init)
        })
        var next = packed.makeIterator()
        for group in plan.groups {
            var bundles: [PlanDocument.Bundle] = []
            for _ in group.bundles {
                guard let bundle = next.next() else { break }
                tree.add("\(bundle.base)/run.sh", text: bundle.emitted.runScript, mode: 0o755)
                for payload in bundle.emitted.payloads { tree.add("\(bundle.base)/\(payload.path)", payload.bytes) }
                tree.add("\(bundle.base).tar", bundle.archive)
                tree.add(StepListDocument.path(ofArchive: bundle.document.archive), bundle.stepList)
                bundles.append(bundle.document)
            }
            var provision: String?
            if let machine = group.machine, let project = plan.project,
               let script = ProvisionEmitter().emit(group, project: project, settings: machine.settings, diagnostics: diagnostics) {
                provision = "provision/\(group.service)/\(group.name).sh"
                tree.add("provision/\(group.service)/\(group.name).sh", text: script, mode: 0o755)
            }
            groups.append(PlanDocument.Group(
                name: group.name, service: group.service, provider: group.provider.rawValue, count: group.count, after: group.after,
                chain: group.chain, nodes: group.nodes, bundles: bundles, provision: provision
            ))
        }
        var orphans: String?
        if plan.usesVirtualBox, let project = plan.project {
            orphans = "provision/orphans.sh"
            let known = plan.groups.filter { $0.provider == .virtualbox }.map { "\($0.service)/\($0.name)" }
            tree.add("provision/orphans.sh", text: ProvisionEmitter().emitOrphans(project: project, groups: known), mode: 0o755)
        }
        let document = PlanDocument(
            format: 1, generator: "pallet \(PalletVersion.current)",
            inputs: PlanDocument.Inputs(digest: digest, method: InputsDigest.method, files: plan.inputs.map(\.path)),
            project: plan.project, orphans: orphans,
            adminUser: plan.adminUser.map {
                PlanDocument.AdminUserEntry(username: $0.username.value, privateKey: $0.privateKey?.value, publicKey: $0.publicKey?.value)
            },
            groups: groups
        )
        tree.add("plan.json", try PlanJSON.encode(document))
        tree.add("PLAN.md", text: markdown)
        for crate in BuiltInCrateCopies.files(of: plan) { tree.add(crate.outputPath, text: crate.text) }
        return tree
    }
}

/// One bundle emitted, packed into its archive and described for plan.json.
struct PackedBundle: Sendable {
    /// The bundle's path in `out/` without extension, such as `groups/web/configure`.
    let base: String
    /// The generated files.
    let emitted: EmittedBundle
    /// The tar archive.
    let archive: [UInt8]
    /// The bundle's entry in plan.json.
    let document: PlanDocument.Bundle
    /// `<phase>.steps.json`: what the bundle does, step by step, for review.
    let stepList: [UInt8]

    init(_ bundle: BundlePlan) throws {
        base = "groups/\(bundle.group)/\(bundle.phase)"
        emitted = BundleEmitter().emit(bundle)
        archive = try BundlePacker().pack(emitted)
        stepList = try PlanJSON.encode(emitted.stepList)
        document = PlanDocument.Bundle(
            phase: bundle.phase, archive: "\(base).tar", sha256: SHA256.hexDigest(archive), steps: bundle.steps.count,
            handlers: bundle.handlers.map(\.name),
            secrets: emitted.secrets.map { secret in
                switch secret.source {
                case .environment(let name): return PlanDocument.Secret(id: secret.identifier, env: name, file: nil)
                case .file(let path): return PlanDocument.Secret(id: secret.identifier, env: nil, file: path)
                }
            },
            vendored: bundle.vendored.flatMap { $0.packages.isEmpty ? nil : $0.packages }
        )
    }
}
